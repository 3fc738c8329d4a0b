import { ProcessorError } from '../errors.js';

/** Colormaps of {@link colormapTable}: matplotlib's `viridis` and `jet`, and `gray`. */
export type ColormapName = 'viridis' | 'jet' | 'gray';

// matplotlib 3.6 `colormaps[name](np.arange(256), bytes=True)[:, :3]`, as hex RGB triplets (test/fixtures/make-fixtures.py
// checks them against matplotlib's own output).
const TABLES: Readonly<Record<Exclude<ColormapName, 'gray'>, string>> = {
  viridis:
    '44015444025544035745055845065a45085b46095c460b5e460c5f460e61470f6247116347126547146647156747166947186a48196b481a6c481c6e481d6f481e70482071482172482273482374472575472676472777472878472a79472b7a472c7b462d7c462f7c46307d46317e45327f45347f453580453681443781443982433a83433b83433c84423d84423e854240854141864142864043874044873f45873f47883e48883e49893d4a893d4b893d4c893c4d8a3c4e8a3b508a3b518a3a528b3a538b39548b39558b38568b38578c37588c37598c365a8c365b8c355c8c355d8c345e8d345f8d33608d33618d32628d32638d31648d31658d31668d30678d30688d2f698d2f6a8d2e6b8e2e6c8e2e6d8e2d6e8e2d6f8e2c708e2c718e2c728e2b738e2b748e2a758e2a768e2a778e29788e29798e287a8e287a8e287b8e277c8e277d8e277e8e267f8e26808e26818e25828e25838d24848d24858d24868d23878d23888d23898d22898d228a8d228b8d218c8d218d8c218e8c208f8c20908c20918c1f928c1f938b1f948b1f958b1f968b1e978a1e988a1e998a1e998a1e9a891e9b891e9c891e9d881e9e881e9f881ea0871fa1871fa2861fa38620a48520a58521a68521a78422a78423a88323a98224aa8225ab8126ac8127ad8028ae7f29af7f2ab07e2bb17d2cb17d2eb27c2fb37b30b47a32b57a33b67935b77836b87738b97639b9763bba753dbb743ebc7340bd7242be7144be7045bf6f47c06e49c16d4bc26c4dc26b4fc36951c46853c56755c66657c66559c7645bc8625ec96160c96062ca5f64cb5d67cc5c69cc5b6bcd596dce5870ce5672cf5574d05477d05279d1517cd24f7ed24e81d34c83d34b86d44988d5478bd5468dd64490d64392d74195d73f97d83e9ad83c9dd93a9fd938a2da37a5da35a7db33aadb32addc30afdc2eb2dd2cb5dd2bb7dd29bade27bdde26bfdf24c2df22c5df21c7e01fcae01ecde01dcfe11cd2e11bd4e11ad7e219dae218dce218dfe318e1e318e4e318e7e419e9e419ece41aeee51bf1e51cf3e51ef6e61ff8e621fae622fde724',
  jet: '00007f00008400008800008d00009100009600009a00009f0000a30000a80000ac0000b10000b60000ba0000bf0000c30000c80000cc0000d10000d50000da0000de0000e30000e80000ec0000f10000f50000fa0000fe0000ff0000ff0000ff0000ff0004ff0008ff000cff0010ff0014ff0018ff001cff0020ff0024ff0028ff002cff0030ff0034ff0038ff003cff0040ff0044ff0048ff004cff0050ff0054ff0058ff005cff0060ff0064ff0068ff006cff0070ff0074ff0078ff007cff0080ff0084ff0088ff008cff0090ff0094ff0098ff009cff00a0ff00a4ff00a8ff00acff00b0ff00b4ff00b8ff00bcff00c0ff00c4ff00c8ff00ccff00d0ff00d4ff00d8ff00dcfe00e0fa00e4f702e8f405ecf108f0ed0cf4ea0ff8e712fce415ffe118ffdd1cffda1fffd722ffd425ffd029ffcd2cffca2fffc732ffc336ffc039ffbd3cffba3fffb742ffb346ffb049ffad4cffaa4fffa653ffa356ffa059ff9d5cff9a5fff9663ff9366ff9069ff8d6cff8970ff8673ff8376ff8079ff7d7cff7980ff7683ff7386ff7089ff6c8dff6990ff6693ff6396ff5f9aff5c9dff59a0ff56a3ff53a6ff4faaff4cadff49b0ff46b3ff42b7ff3fbaff3cbdff39c0ff36c3ff32c7ff2fcaff2ccdff29d0ff25d4ff22d7ff1fdaff1cddff18e0ff15e4ff12e7ff0feaff0cedff08f1fc05f4f802f7f400faf000feed00ffe900ffe500ffe200ffde00ffda00ffd700ffd300ffcf00ffcb00ffc800ffc400ffc000ffbd00ffb900ffb500ffb100ffae00ffaa00ffa600ffa300ff9f00ff9b00ff9800ff9400ff9000ff8c00ff8900ff8500ff8100ff7e00ff7a00ff7600ff7300ff6f00ff6b00ff6700ff6400ff6000ff5c00ff5900ff5500ff5100ff4d00ff4a00ff4600ff4200ff3f00ff3b00ff3700ff3400ff3000ff2c00ff2800ff2500ff2100ff1d00ff1a00ff1600fe1200fa0f00f50b00f10700ec0300e80000e30000de0000da0000d50000d10000cc0000c80000c30000bf0000ba0000b60000b10000ac0000a80000a300009f00009a00009600009100008d00008800008400007f0000',
};

const cache = new Map<ColormapName, Uint8Array>();

/**
 * The 256 RGB entries of a colormap, 768 bytes. `viridis` and `jet` are matplotlib's tables exactly as
 * `cmap(i, bytes=True)` returns them (perceptually uniform viridis is the better default; jet is there because
 * many CLIPSeg demos use it); `gray` is `(i, i, i)`.
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for an unknown name
 */
export function colormapTable(name: ColormapName): Uint8Array {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let table: Uint8Array;
  if (name === 'gray') {
    table = new Uint8Array(768);
    for (let i = 0; i < 256; i++) table[3 * i] = table[3 * i + 1] = table[3 * i + 2] = i;
  } else {
    const hex = Object.hasOwn(TABLES, name) ? TABLES[name] : undefined;
    if (hex === undefined) {
      throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `Unknown colormap ${JSON.stringify(name)}; use 'viridis', 'jet' or 'gray'.`);
    }
    table = new Uint8Array(768);
    for (let i = 0; i < 768; i++) table[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  cache.set(name, table);
  return table;
}

/**
 * The colormap index of a value in [0, 1], as matplotlib computes it for float input: `floor(v * 256)` clamped to
 * 0–255 (so 1.0 maps to the last entry); NaN maps to 0.
 */
export function colormapIndex(value: number): number {
  const i = Math.floor(value * 256);
  return i > 255 ? 255 : i >= 0 ? i : 0;
}
