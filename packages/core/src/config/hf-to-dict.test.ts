import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itWithShared, sharedDir } from '../testing/shared-dir.js';
import { CLIPSegConfig } from './clipseg-config.js';
import { CLIPSegTextConfig } from './text-config.js';
import { CLIPSegVisionConfig } from './vision-config.js';

const shared = sharedDir();

/**
 * The model fields of HF `CLIPSegConfig().to_dict()` (transformers' configuration_clipseg.py): everything HF writes
 * except `transformers_version` and the generic `PreTrainedConfig` attributes (`return_dict`, `id2label` …), which
 * this toolkit keeps only when a file has them (see docs/hf-api-mapping.md, "Configs").
 */
const HF_DEFAULT_DICT = {
  model_type: 'clipseg',
  text_config: {
    model_type: 'clipseg_text_model',
    vocab_size: 49408,
    hidden_size: 512,
    intermediate_size: 2048,
    num_hidden_layers: 12,
    num_attention_heads: 8,
    max_position_embeddings: 77,
    hidden_act: 'quick_gelu',
    layer_norm_eps: 1e-5,
    attention_dropout: 0.0,
    initializer_range: 0.02,
    initializer_factor: 1.0,
    pad_token_id: 1,
    bos_token_id: 49406,
    eos_token_id: 49407,
  },
  vision_config: {
    model_type: 'clipseg_vision_model',
    hidden_size: 768,
    intermediate_size: 3072,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    num_channels: 3,
    image_size: 224,
    patch_size: 32,
    hidden_act: 'quick_gelu',
    layer_norm_eps: 1e-5,
    attention_dropout: 0.0,
    initializer_range: 0.02,
    initializer_factor: 1.0,
  },
  projection_dim: 512,
  logit_scale_init_value: 2.6592,
  extract_layers: [3, 6, 9],
  reduce_dim: 64,
  decoder_num_attention_heads: 4,
  decoder_attention_dropout: 0.0,
  decoder_hidden_act: 'quick_gelu',
  decoder_intermediate_size: 2048,
  conditional_layer: 0,
  use_complex_transposed_convolution: false,
  initializer_factor: 1.0,
};

/** Shaped like a config.json that transformers 4.x `save_pretrained` wrote: generic attributes everywhere, versions in the sub-configs. */
const HF4_SAVED = {
  _commit_hash: null,
  architectures: ['CLIPSegForImageSegmentation'],
  conditional_layer: 0,
  decoder_attention_dropout: 0.0,
  decoder_hidden_act: 'quick_gelu',
  decoder_intermediate_size: 2048,
  decoder_num_attention_heads: 4,
  extract_layers: [3, 6, 9],
  initializer_factor: 1.0,
  logit_scale_init_value: 2.6592,
  model_type: 'clipseg',
  projection_dim: 512,
  reduce_dim: 64,
  text_config: {
    _name_or_path: '',
    add_cross_attention: false,
    architectures: null,
    bad_words_ids: null,
    bos_token_id: 0,
    chunk_size_feed_forward: 0,
    eos_token_id: 2,
    id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
    model_type: 'clipseg_text_model',
    pad_token_id: 1,
    return_dict: true,
    torch_dtype: null,
    transformers_version: '4.26.0.dev0',
  },
  torch_dtype: 'float32',
  transformers_version: null,
  use_complex_transposed_convolution: true,
  vision_config: { _name_or_path: '', model_type: 'clipseg_vision_model', patch_size: 16, return_dict: true, transformers_version: '4.26.0.dev0' },
};

describe('CLIPSegConfig dicts as HF writes them', () => {
  it('new CLIPSegConfig().toDict() equals the model fields of HF CLIPSegConfig().to_dict()', () => {
    expect(new CLIPSegConfig().toDict()).toEqual(HF_DEFAULT_DICT);
    expect(JSON.parse(JSON.stringify(new CLIPSegConfig()))).toEqual(HF_DEFAULT_DICT);
  });

  it('fromTextVisionConfigs is HF from_text_vision_configs: the defaults give CLIPSegConfig(), overrides pass through', () => {
    const config = CLIPSegConfig.fromTextVisionConfigs(new CLIPSegTextConfig(), new CLIPSegVisionConfig());
    expect(config.toDict()).toEqual(HF_DEFAULT_DICT);
    const custom = CLIPSegConfig.fromTextVisionConfigs(new CLIPSegTextConfig({ eos_token_id: 2 }), new CLIPSegVisionConfig({ patch_size: 16 }), { reduce_dim: 16, architectures: ['X'] });
    expect(custom.toDict()).toMatchObject({ reduce_dim: 16, architectures: ['X'], text_config: { eos_token_id: 2 }, vision_config: { patch_size: 16 } });
  });

  it('round-trips a transformers 4.x config.json member for member (generic attributes and versions kept verbatim)', () => {
    const config = CLIPSegConfig.fromJSON(JSON.stringify(HF4_SAVED));
    const dict = config.toDict();
    expect(dict).toMatchObject(HF4_SAVED);
    expect(CLIPSegConfig.fromJSON(JSON.stringify(config)).toDict()).toEqual(dict);
    // Only the model fields HF fills with defaults are added.
    const added = Object.keys(dict).filter((k) => !(k in HF4_SAVED));
    expect(added).toEqual([]);
    expect(Object.keys(dict.text_config as object).filter((k) => !(k in HF4_SAVED.text_config)).sort()).toEqual(
      ['attention_dropout', 'hidden_act', 'hidden_size', 'initializer_factor', 'initializer_range', 'intermediate_size', 'layer_norm_eps', 'max_position_embeddings', 'num_attention_heads', 'num_hidden_layers', 'vocab_size'].sort(),
    );
  });

  itWithShared("round-trips the golden tiny model's config.json exactly", () => {
    const text = readFileSync(join(shared, 'golden/clipseg-tiny-refined/config.json'), 'utf8');
    expect(CLIPSegConfig.fromJSON(text).toDict()).toEqual(JSON.parse(text));
    expect(CLIPSegTextConfig.fromJSON(text).toDict()).toEqual((JSON.parse(text) as { text_config: object }).text_config);
    expect(CLIPSegVisionConfig.fromJSON(text).toDict()).toEqual((JSON.parse(text) as { vision_config: object }).vision_config);
  });
});
