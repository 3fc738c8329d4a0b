// A tiny app for measuring what @clipseg/runtime-web adds to a production bundle: load a bundle from a URL with
// progress, segment a picked image, draw the mask over it. onnxruntime-web lands in its own chunk.
import { decodeImage, loadCLIPSeg, toCanvas } from '@clipseg/runtime-web';
import { createWasmBackend } from '@clipseg/runtime-web/wasm';
import { logitsToMasks, overlayMask, thresholdMask } from '@clipseg/processor';

const input = document.querySelector('input')!;
const bar = document.querySelector('progress')!;
input.onchange = async () => {
  const seg = await loadCLIPSeg('/model/', { backend: createWasmBackend({ wasmPaths: '/ort/' }), onProgress: (p) => (bar.value = p.overall?.fraction ?? 0) });
  const photo = await decodeImage(input.files![0]!);
  const result = await seg.segmentImage(photo, 'a cat');
  const [mask] = logitsToMasks(result.logits, { size: result.imageSize }).map((m) => thresholdMask(m, 0.5));
  document.body.append(toCanvas(overlayMask(photo, mask!), document.createElement('canvas')));
};
