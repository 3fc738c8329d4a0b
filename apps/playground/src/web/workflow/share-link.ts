import type { Workflow } from '@clipseg/node-editor/engine';
import { PlaygroundError } from '../errors/playground-error.js';
import { stripDroppedImages } from './strip-dropped-images.js';

/** The URL fragment key of a shared workflow: `#workflow=…`. */
export const SHARE_FRAGMENT_KEY = 'workflow';

/** Longest fragment the playground writes (characters); links beyond a few kB break in chats and mail. */
export const MAX_SHARE_CHARS = 8000;

const toBase64Url = (bytes: Uint8Array) => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const fromBase64Url = (text: string) => {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/**
 * Encodes a workflow for a link's fragment (`workflow=` + base64url of the deflated JSON). Dropped images are left
 * out (the Image node shows the example scene instead; `droppedImages` counts them).
 *
 * @throws {@link PlaygroundError} `PLAYGROUND_SHARE_TOO_LARGE` when the result is longer than {@link MAX_SHARE_CHARS}
 */
export async function encodeShareFragment(workflow: Workflow): Promise<{ fragment: string; droppedImages: number }> {
  const { workflow: small, replaced } = stripDroppedImages(workflow);
  const json = new TextEncoder().encode(JSON.stringify(small));
  const fragment = `${SHARE_FRAGMENT_KEY}=${toBase64Url(await pipe(json, new CompressionStream('deflate-raw')))}`;
  if (fragment.length > MAX_SHARE_CHARS) {
    throw new PlaygroundError(
      'PLAYGROUND_SHARE_TOO_LARGE',
      `This graph needs a ${fragment.length}-character link, more than the ${MAX_SHARE_CHARS} a link can safely carry. Save it as a file (Save workflow) and share the file instead.`,
      { details: { length: fragment.length } },
    );
  }
  return { fragment, droppedImages: replaced };
}

/**
 * Reads the workflow of a link's fragment (`#workflow=…`), or `undefined` when the fragment holds none. The result
 * is untrusted JSON: validate it (the editor's `loadWorkflow` does).
 *
 * @throws {@link PlaygroundError} `PLAYGROUND_WORKFLOW_UNREADABLE` for a damaged link
 */
export async function decodeShareFragment(hash: string): Promise<unknown> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const encoded = params.get(SHARE_FRAGMENT_KEY);
  if (encoded === null || encoded === '') return undefined;
  try {
    const json = await pipe(fromBase64Url(encoded), new DecompressionStream('deflate-raw'));
    return JSON.parse(new TextDecoder().decode(json)) as unknown;
  } catch (error) {
    throw new PlaygroundError('PLAYGROUND_WORKFLOW_UNREADABLE', 'The workflow in this link is damaged (it was cut off or edited). Ask for the link again, or for the workflow file.', {
      cause: error,
    });
  }
}
