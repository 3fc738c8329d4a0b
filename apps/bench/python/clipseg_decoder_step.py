#!/usr/bin/python3
"""PyTorch baseline of the decoder training step (train-step.bench.ts spawns it).

A faithful port of HF transformers' CLIPSeg pieces that decoder fine-tuning runs (modeling_clipseg.py):
- CLIPSegDecoder: activations deepest first, `reduces[i]` (+ previous output), FiLM at `conditional_layer`
  (`film_mul(c)[:, None] * x + film_add(c)[:, None]`, every token), post-norm decoder layers (ReLU MLP, eager
  attention, vision layer_norm_eps), CLS dropped, tokens on the patch grid, the transposed-convolution head
  (refined: Conv3x3 -> ReLU -> ConvTranspose(k=s=patch/4) -> ReLU -> ConvTranspose(k=s=patch/4); plain:
  ConvTranspose(k=s=patch)).
- The CLIP vision tower with `interpolate_pos_encoding=True` (bicubic, align_corners=False), pre-norm quick_gelu
  layers, returning the outputs of the 0-based layers `extract_layers` (HF `hidden_states[i + 1]`).
- Loss: `binary_cross_entropy_with_logits`, mean (HF `forward(labels=...)`); optimizer `torch.optim.AdamW`.

Weights are read from `model.safetensors` by hand (8-byte little-endian header length, JSON header, raw
little-endian data): neither `transformers` nor `safetensors` is needed, only torch (Debian python3-torch 1.13).

Modes:
  --verify GOLDEN_DIR    the tiny golden checkpoint's decoder gradients against golden/training (`decoder.` case)
                         and three AdamW steps against `adamw.step3.*`; GOLDEN_DIR is shared/golden. Exit 1 on a
                         mismatch.
  --bench CHECKPOINT     time forward + backward + AdamW.step on the batch in --batch FILE (safetensors written
                         by train-step.bench.ts: activation_k, conditional_embeddings, target, pixel_values), with
                         activations cached and with the vision tower (no_grad) in the step. Prints one
                         `BENCH_RESULT {json}` line.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "I64": torch.int64, "U8": torch.uint8}


def read_safetensors(path, keep=lambda name: True):
    """Tensors of a safetensors file, by name (copies, so the file buffer can go)."""
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__" or not keep(name) or e["dtype"] not in DTYPES:
            continue
        start, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + start : base + end]), dtype=DTYPES[e["dtype"]]) if end > start else torch.empty(0, dtype=DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"])
    return out


# ---------------------------------------------------------------------------------------------------- vision tower


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


def attention(x, w, prefix, heads):
    """HF eager attention (CLIPSegAttention): q, k, v projections, softmax(q k^T * d^-0.5) v, out projection."""
    b, t, d = x.shape
    hd = d // heads
    q = F.linear(x, w[prefix + ".q_proj.weight"], w[prefix + ".q_proj.bias"]).view(b, t, heads, hd).transpose(1, 2)
    k = F.linear(x, w[prefix + ".k_proj.weight"], w[prefix + ".k_proj.bias"]).view(b, t, heads, hd).transpose(1, 2)
    v = F.linear(x, w[prefix + ".v_proj.weight"], w[prefix + ".v_proj.bias"]).view(b, t, heads, hd).transpose(1, 2)
    scores = torch.matmul(q, k.transpose(2, 3)) * hd**-0.5
    probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, d)
    return F.linear(out, w[prefix + ".out_proj.weight"], w[prefix + ".out_proj.bias"])


def layer_norm(x, w, prefix, eps):
    return F.layer_norm(x, (x.shape[-1],), w[prefix + ".weight"], w[prefix + ".bias"], eps)


def vision_positions(w, config, height, width):
    """HF `interpolate_pos_encoding`: the patch position table resized bicubically to the query's grid."""
    vc = config["vision_config"]
    table = w["clip.vision_model.embeddings.position_embedding.weight"].unsqueeze(0)
    dim = table.shape[-1]
    side = int((table.shape[1] - 1) ** 0.5)
    grid_h, grid_w = height // vc["patch_size"], width // vc["patch_size"]
    if grid_h == side and grid_w == side:
        return table
    patch = table[:, 1:].reshape(1, side, side, dim).permute(0, 3, 1, 2)
    patch = F.interpolate(patch, size=(grid_h, grid_w), mode="bicubic", align_corners=False)
    return torch.cat((table[:, :1], patch.permute(0, 2, 3, 1).reshape(1, -1, dim)), dim=1)


def vision_activations(w, config, pixel_values):
    """The outputs of the vision layers `extract_layers` (HF `hidden_states[i + 1]`); layers past the deepest are skipped."""
    vc = config["vision_config"]
    eps = vc["layer_norm_eps"]
    p = "clip.vision_model."
    b = pixel_values.shape[0]
    patches = F.conv2d(pixel_values, w[p + "embeddings.patch_embedding.weight"], stride=vc["patch_size"]).flatten(2).transpose(1, 2)
    cls = w[p + "embeddings.class_embedding"].expand(b, 1, -1)
    x = torch.cat([cls, patches], dim=1) + vision_positions(w, config, pixel_values.shape[2], pixel_values.shape[3])
    x = layer_norm(x, w, p + "pre_layrnorm", eps)
    out = {}
    for i in range(max(config["extract_layers"]) + 1):
        lp = f"{p}encoder.layers.{i}"
        x = x + attention(layer_norm(x, w, lp + ".layer_norm1", eps), w, lp + ".self_attn", vc["num_attention_heads"])
        h = layer_norm(x, w, lp + ".layer_norm2", eps)
        x = x + F.linear(quick_gelu(F.linear(h, w[lp + ".mlp.fc1.weight"], w[lp + ".mlp.fc1.bias"])), w[lp + ".mlp.fc2.weight"], w[lp + ".mlp.fc2.bias"])
        if i in config["extract_layers"]:
            out[i] = x
    return [out[i] for i in config["extract_layers"]]


# --------------------------------------------------------------------------------------------------------- decoder


def decoder_logits(w, config, activations, cond):
    """HF CLIPSegDecoder.forward: activations [B, T, hidden] in extract_layers order, cond [B, projection_dim]."""
    eps = config["vision_config"]["layer_norm_eps"]
    heads = config["decoder_num_attention_heads"]
    output = None
    for i, act in enumerate(activations[::-1]):
        reduced = F.linear(act, w[f"decoder.reduces.{i}.weight"], w[f"decoder.reduces.{i}.bias"])
        output = reduced if output is None else reduced + output
        if i == config["conditional_layer"]:
            mul = F.linear(cond, w["decoder.film_mul.weight"], w["decoder.film_mul.bias"])
            add = F.linear(cond, w["decoder.film_add.weight"], w["decoder.film_add.bias"])
            output = (mul * output.permute(1, 0, 2) + add).permute(1, 0, 2)
        lp = f"decoder.layers.{i}"
        # Post-norm (CLIPSegDecoderLayer): h = LN1(x + attn(x)); out = LN2(h + mlp(h)); MLP activation ReLU.
        h = layer_norm(output + attention(output, w, lp + ".self_attn", heads), w, lp + ".layer_norm1", eps)
        m = F.linear(F.relu(F.linear(h, w[lp + ".mlp.fc1.weight"], w[lp + ".mlp.fc1.bias"])), w[lp + ".mlp.fc2.weight"], w[lp + ".mlp.fc2.bias"])
        output = layer_norm(h + m, w, lp + ".layer_norm2", eps)
    output = output[:, 1:, :].permute(0, 2, 1)
    size = int(math.sqrt(output.shape[2]))
    x = output.reshape(cond.shape[0], output.shape[1], size, size)
    head = "decoder.transposed_convolution"
    k = config["vision_config"]["patch_size"] // 4
    if config["use_complex_transposed_convolution"]:
        x = F.relu(F.conv2d(x, w[head + ".0.weight"], w[head + ".0.bias"], padding=1))
        x = F.relu(F.conv_transpose2d(x, w[head + ".2.weight"], w[head + ".2.bias"], stride=k))
        x = F.conv_transpose2d(x, w[head + ".4.weight"], w[head + ".4.bias"], stride=k)
    else:
        p = config["vision_config"]["patch_size"]
        x = F.conv_transpose2d(x, w[head + ".weight"], w[head + ".bias"], stride=p)
    return x.squeeze(1)


def load_model(checkpoint):
    with open(f"{checkpoint}/config.json") as f:
        config = json.load(f)
    weights = read_safetensors(f"{checkpoint}/model.safetensors", lambda n: n.startswith("decoder.") or n.startswith("clip.vision_model."))
    params = {n: t.clone().requires_grad_(True) for n, t in weights.items() if n.startswith("decoder.")}
    frozen = {n: t for n, t in weights.items() if not n.startswith("decoder.")}
    return config, params, frozen


# ---------------------------------------------------------------------------------------------------------- verify


def verify(golden):
    config, params, frozen = load_model(f"{golden}/clipseg-tiny-refined")
    model_golden = read_safetensors(f"{golden}/clipseg-tiny-refined/golden.safetensors")
    training = read_safetensors(f"{golden}/training/clipseg-tiny-refined.safetensors")
    with open(f"{golden}/training/clipseg-tiny-refined.json") as f:
        cases = json.load(f)["cases"]
    pixels = torch.cat([read_safetensors(f"{golden}/processor/{img}.safetensors")["pixel_values"] for img in ("chelsea", "clipseg_example_image")])
    report = {"checks": 0, "failed": []}
    ok = True

    def check(name, diff, tol):
        nonlocal ok
        report["checks"] += 1
        if not diff <= tol:
            ok = False
            report["failed"].append({"name": name, "maxAbsDiff": diff, "tolerance": tol})

    with torch.no_grad():
        acts = vision_activations(frozen, config, pixels)
        pos = vision_positions(frozen, config, 352, 352)
    check("vision_position_embeddings_352", (pos - model_golden["a.vision_position_embeddings_352"]).abs().max().item(), 1e-6)
    for k, a in enumerate(acts):
        check(f"decoder_activations.{k} (chelsea)", (a[0] - model_golden[f"a.decoder_activations.{k}"][0]).abs().max().item(), 1e-4)
    # The first two model-golden prompts are the training prompts; padding does not change a text embedding (case b).
    cond = model_golden["a.conditional_embeddings"][:2]
    target = training["inputs.target"]
    case = cases["decoder"]
    logits = decoder_logits({**frozen, **params}, config, acts, cond)
    loss = F.binary_cross_entropy_with_logits(logits, target)
    loss.backward()
    check("decoder.logits", (logits.detach() - training["decoder.logits"]).abs().max().item(), 1e-4)
    check("decoder loss", abs(loss.item() - case["loss_fp64"]), 1e-6)
    worst = 0.0
    for name in case["grad_names"]:
        tol = max(1e-4 * case["grad_max_abs"][name], 1e-6)
        diff = (params[name].grad - training[f"decoder.grad.{name}"]).abs().max().item()
        worst = max(worst, diff / tol)
        check(f"grad {name}", diff, tol)
    if sorted(case["grad_names"]) != sorted(params):
        ok = False
        report["failed"].append({"name": "parameter names"})
    report["worstGradientShareOfTolerance"] = worst
    # Three AdamW steps from the checkpoint on the same batch.
    config, params, frozen = load_model(f"{golden}/clipseg-tiny-refined")
    opt = torch.optim.AdamW(list(params.values()), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    for _ in range(3):
        opt.zero_grad(set_to_none=True)
        F.binary_cross_entropy_with_logits(decoder_logits({**frozen, **params}, config, acts, cond), target).backward()
        opt.step()
    worst_adam = 0.0
    for name, p in params.items():
        diff = (p.detach() - training[f"adamw.step3.{name}"]).abs().max().item()
        tol = 3e-3 if name.endswith("k_proj.bias") else 1e-5
        worst_adam = max(worst_adam, diff)
        check(f"adamw.step3 {name}", diff, tol)
    report["ok"] = ok
    report["lossDiff"] = abs(loss.item() - case["loss_fp64"])
    report["worstAdamWStep3Diff"] = worst_adam
    print(f"verify: {report['checks']} checks, {len(report['failed'])} failed; worst gradient error {worst * 100:.1f} % of its tolerance; "
          f"loss diff {report['lossDiff']:.2e}; worst AdamW step-3 diff {worst_adam:.2e}")
    for c in report["failed"]:
        print("  FAILED", c)
    print("BENCH_RESULT " + json.dumps({"verify": report}))
    return 0 if ok else 1


# ----------------------------------------------------------------------------------------------------------- bench


def blas_library():
    """The BLAS this process loaded (Debian's torch links libblas.so.3: reference BLAS unless OpenBLAS is chosen)."""
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line and line.split()[-1].startswith("/")})
    return ", ".join(libs) or "unknown"


def busy_ticks():
    """Busy and total clock ticks of the machine (/proc/stat), or None off Linux."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return sum(v) - v[3] - v[4], sum(v)
    except OSError:
        return None


def timed(fn, warmup, runs):
    """Wall and process CPU milliseconds of each timed run, and the cores other processes used meanwhile."""
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    start, cpu_start, wall_start = busy_ticks(), time.process_time(), time.perf_counter()
    for _ in range(runs):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    end, own, wall = busy_ticks(), time.process_time() - cpu_start, time.perf_counter() - wall_start
    foreign = None
    if start and end and end[1] > start[1]:
        cores = os.cpu_count() or 1
        foreign = max(0.0, round((end[0] - start[0]) / (end[1] - start[1]) * cores - own / wall, 2))
    return {"samples": times, "cpuSamples": cpu, "foreignLoadCores": foreign}


def bench(checkpoint, batch_file, warmup, runs, vision_runs):
    config, params, frozen = load_model(checkpoint)
    batch = read_safetensors(batch_file)
    acts = [batch[f"activation_{k}"] for k in range(len(config["extract_layers"]))]
    cond, target, pixels = batch["conditional_embeddings"], batch["target"], batch["pixel_values"]
    weights = {**frozen, **params}
    opt = torch.optim.AdamW(list(params.values()), lr=1e-3, weight_decay=0.01)
    losses = []

    def step(activations):
        opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(decoder_logits(weights, config, activations, cond), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    def vision_step():
        with torch.no_grad():
            step_acts = vision_activations(frozen, config, pixels)
        step(step_acts)

    # The first step's loss, from the checkpoint's parameters, before any timing: the TS bench compares it to its own.
    step(acts)
    first_loss = losses[0]
    with torch.no_grad():
        ours = vision_activations(frozen, config, pixels[:1])
    act_diff = max((a[0] - b[0]).abs().max().item() for a, b in zip(ours, acts))

    def vision_one():
        with torch.no_grad():
            vision_activations(frozen, config, pixels[:1])

    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "batch": int(cond.shape[0]),
        "firstLoss": first_loss,
        "visionActivationMaxAbsDiff": act_diff,
        "stepCached": timed(lambda: step(acts), warmup, runs),
        "visionPerImage": timed(vision_one, 1, vision_runs * 2),
        "stepWithVision": timed(vision_step, 1, vision_runs),
    }
    print("BENCH_RESULT " + json.dumps(result))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verify", metavar="GOLDEN_DIR")
    ap.add_argument("--bench", metavar="CHECKPOINT")
    ap.add_argument("--batch", metavar="FILE")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--vision-runs", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.verify:
        return verify(args.verify)
    if args.bench and args.batch:
        return bench(args.bench, args.batch, args.warmup, args.runs, args.vision_runs)
    ap.error("give --verify GOLDEN_DIR, or --bench CHECKPOINT --batch FILE")


if __name__ == "__main__":
    sys.exit(main())
