/**
 * Inputs, options and outputs of the HF model classes. Inputs and outputs keep HF's snake_case names (they are
 * tensor names: what {@link CLIPSegProcessor} returns spreads straight into a model's `forward`); options are
 * camelCase.
 *
 * @module
 */
import type { AbortSignalLike } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';

/** Token ids or a 0/1 mask: an int64 (or int32) tensor `[batch, sequence]`, or rows of numbers of equal length. */
export type TokenTensorLike = Tensor<'int64'> | Tensor<'int32'> | readonly (readonly number[])[];

/** Inputs of the text tower (HF `CLIPSegTextModel.forward`, `get_text_features`). */
export interface CLIPSegTextInputs {
  /** Token ids `[batch, sequence]`, at most `max_position_embeddings` long. */
  readonly input_ids: TokenTensorLike;
  /** 1 for tokens to attend to, 0 for padding; same shape as `input_ids`. Default all ones (HF `None`). */
  readonly attention_mask?: TokenTensorLike;
}

/** Inputs of the vision tower (HF `CLIPSegVisionModel.forward`, `get_image_features`). */
export interface CLIPSegVisionInputs {
  /** Normalised pixels, float32 `[batch, num_channels, height, width]` (what the processor returns). */
  readonly pixel_values: Tensor<'float32'>;
}

/** Inputs of {@link CLIPSegModel.forward}: a text batch and an image batch, compared all against all. */
export interface CLIPSegModelInputs extends CLIPSegTextInputs, CLIPSegVisionInputs {}

/**
 * Inputs of {@link CLIPSegForImageSegmentation.forward}: the query images and one prompt per image, given (in
 * HF's order of precedence) as `conditional_embeddings`, as `input_ids` (+ `attention_mask`), or as
 * `conditional_pixel_values`.
 */
export interface CLIPSegSegmentationInputs {
  /** Query images, float32 `[batch, num_channels, height, width]` at the bundle's image size. */
  readonly pixel_values: Tensor<'float32'>;
  /** One text prompt per query image. */
  readonly input_ids?: TokenTensorLike;
  /** Attention mask of `input_ids`. */
  readonly attention_mask?: TokenTensorLike;
  /** One example image per query image (a visual prompt), any size the vision tower takes. */
  readonly conditional_pixel_values?: Tensor<'float32'>;
  /** One conditional embedding per query image, float32 `[batch, projection_dim]`; wins over the other two. */
  readonly conditional_embeddings?: Tensor<'float32'>;
}

/** Options of every `forward` and feature call. */
export interface HFCallOptions {
  /** Cancels the call; the promise then rejects with `HF_ABORTED`. */
  readonly signal?: AbortSignalLike;
}

/** Options of the towers' `forward` (HF `output_hidden_states`, `interpolate_pos_encoding`). */
export interface HFForwardOptions extends HFCallOptions {
  /** Also return every hidden state (HF `output_hidden_states=True`). Default false. */
  readonly outputHiddenStates?: boolean;
  /**
   * Resize the vision position embeddings to the image's patch grid (HF `interpolate_pos_encoding`, default true);
   * when false, the image must be `vision_config.image_size` square. Ignored by the text tower.
   */
  readonly interpolatePosEncoding?: boolean;
}

/** HF `BaseModelOutputWithPooling`: what {@link CLIPSegTextModel} and {@link CLIPSegVisionModel} return. */
export interface BaseModelOutputWithPooling {
  /**
   * Text: `final_layer_norm` of the last layer, `[batch, sequence, hidden]` (padding mask applied). Vision: the last
   * layer's output, `[batch, tokens, hidden]` (no post-norm).
   */
  readonly last_hidden_state: Tensor<'float32'>;
  /** Text: `last_hidden_state` at the end-of-text position; vision: `post_layernorm` of the class token. `[batch, hidden]`. */
  readonly pooler_output: Tensor<'float32'>;
  /**
   * With `outputHiddenStates`: `num_hidden_layers + 1` tensors shaped like `last_hidden_state`: the encoder input,
   * then each layer's output (the text's last one before `final_layer_norm`). Otherwise `undefined`.
   */
  readonly hidden_states?: readonly Tensor<'float32'>[];
}

/** HF `CLIPSegOutput`: what {@link CLIPSegModel.forward} returns. */
export interface CLIPSegOutput {
  /** `[images, texts]`: cosine similarities × `exp(logit_scale)`. */
  readonly logits_per_image: Tensor<'float32'>;
  /** `[texts, images]`: the transpose of `logits_per_image`. */
  readonly logits_per_text: Tensor<'float32'>;
  /** `[texts, projection_dim]`, L2-normalised. */
  readonly text_embeds: Tensor<'float32'>;
  /** `[images, projection_dim]`, L2-normalised. */
  readonly image_embeds: Tensor<'float32'>;
  /** The text tower's output; present when the bundle has the `text_model` graph. */
  readonly text_model_output?: BaseModelOutputWithPooling;
  /** The vision tower's output; present when the bundle has the `vision_model` graph. */
  readonly vision_model_output?: BaseModelOutputWithPooling;
}

/** HF `CLIPSegDecoderOutput`. */
export interface CLIPSegDecoderOutput {
  /** Segmentation logits `[batch, height, width]`, before the sigmoid. */
  readonly logits: Tensor<'float32'>;
  /** With `outputHiddenStates`: each decoder layer's output, `[batch, tokens, reduce_dim]`. */
  readonly hidden_states?: readonly Tensor<'float32'>[];
}

/** HF `CLIPSegImageSegmentationOutput`: what {@link CLIPSegForImageSegmentation.forward} returns. */
export interface CLIPSegImageSegmentationOutput {
  /** Segmentation logits `[batch, height, width]`, before the sigmoid. */
  readonly logits: Tensor<'float32'>;
  /** The prompts' embeddings the decoder used, `[batch, projection_dim]` (not normalised). */
  readonly conditional_embeddings: Tensor<'float32'>;
  /** `visual_projection` of the query images' pooled vision output, `[batch, projection_dim]`. */
  readonly pooled_output: Tensor<'float32'>;
  /** The vision tower's output on the query images; present when the bundle has the `vision_model` graph. */
  readonly vision_model_output?: BaseModelOutputWithPooling;
  /** The decoder's output. */
  readonly decoder_output: CLIPSegDecoderOutput;
}
