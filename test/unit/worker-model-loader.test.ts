// Model loading errors must name the file and the problem; a valid quantized graph model must
// build, dequantize and pass the output-shape check. Uses a tiny synthetic model: a 1x1
// convolution (uint8 weights) + bias (float16) + depthToSpace, which computes a nearest x2 upscale.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildAndWarm, fetchModelArtifacts } from '../../workers/model-loader';
import { buildArtifacts, expectedGroupBytes, parseModelJson, weightEntryBytes, type WeightFile } from '../../workers/model-manifest';
import type { FilterEntry } from '../../workers/types';

const MODEL = 'models/weights/t/model.json';
const WEIGHTS = 'models/weights/t/weights.bin';
const entry: FilterEntry = { id: 't', kind: 'super-resolution', scale: 2, modelUrl: MODEL, macsPerInputPixel: 36, macsPerOutputPixel: 9, title: 'T', quantization: 'uint8' };

const b64 = (s: string) => ({ s: Buffer.from(s).toString('base64') });
const F = { type: 'DT_FLOAT' };
function modelJson(): Record<string, unknown> {
  return {
    format: 'graph-model',
    modelTopology: {
      node: [
        { name: 'input', op: 'Placeholder', attr: { dtype: F, shape: { shape: { dim: [{ size: '1' }, { size: '-1' }, { size: '-1' }, { size: '3' }] } } } },
        { name: 'w', op: 'Const', attr: { dtype: F } },
        { name: 'b', op: 'Const', attr: { dtype: F } },
        { name: 'conv', op: 'Conv2D', input: ['input', 'w'], attr: { T: F, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: b64('VALID'), data_format: b64('NHWC'), dilations: { list: { i: ['1', '1', '1', '1'] } } } },
        { name: 'add', op: 'AddV2', input: ['conv', 'b'], attr: { T: F } },
        { name: 'output', op: 'DepthToSpace', input: ['add'], attr: { T: F, block_size: { i: '2' }, data_format: b64('NHWC') } },
      ],
      library: {}, versions: { producer: 1 },
    },
    weightsManifest: [{
      paths: ['weights.bin'],
      weights: [
        { name: 'w', shape: [1, 1, 3, 12], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
        { name: 'b', shape: [12], dtype: 'float32', quantization: { dtype: 'float16' } },
      ],
    }],
  };
}
/** 36 uint8 weights (1 where output channel o copies input channel o % 3) + 12 float16 zeros. */
function weightBytes(): ArrayBuffer {
  const bytes = new Uint8Array(36 + 24);
  for (let c = 0; c < 3; c++) for (let o = 0; o < 12; o++) bytes[c * 12 + o] = o % 3 === c ? 1 : 0;
  return bytes.buffer;
}
const files = (data = weightBytes()): WeightFile[][] => [[{ file: WEIGHTS, data }]];

describe('parseModelJson', () => {
  it('accepts a graph model', () => {
    expect(parseModelJson(JSON.stringify(modelJson()), MODEL).weightsManifest[0].paths).toEqual(['weights.bin']);
  });

  it('names the file for invalid JSON, and says when it got an HTML page', () => {
    expect(() => parseModelJson('{"format":', MODEL)).toThrow(/^models\/weights\/t\/model\.json: invalid JSON/);
    expect(() => parseModelJson('<!doctype html><html>', MODEL)).toThrow('got an HTML page: is the file missing?');
  });

  it('rejects layers models and other JSON', () => {
    expect(() => parseModelJson(JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [] }), MODEL))
      .toThrow(`${MODEL}: is a Keras layers model, not a TensorFlow.js graph model`);
    expect(() => parseModelJson('[1,2]', MODEL)).toThrow(`${MODEL}: model.json must be a JSON object`);
    expect(() => parseModelJson(JSON.stringify({ modelTopology: {}, weightsManifest: [] }), MODEL)).toThrow('not a TensorFlow.js graph model');
  });

  it('rejects broken weights manifests', () => {
    const noPaths = modelJson();
    (noPaths.weightsManifest as { paths: string[] }[])[0].paths = [];
    expect(() => parseModelJson(JSON.stringify(noPaths), MODEL)).toThrow('weightsManifest[0] needs a non-empty "paths" list');
    const badShape = modelJson();
    (badShape.weightsManifest as { weights: { shape: unknown }[] }[])[0].weights[1].shape = [-1];
    expect(() => parseModelJson(JSON.stringify(badShape), MODEL)).toThrow('weightsManifest[0].weights[1] needs');
  });
});

describe('weight byte counts', () => {
  it('counts quantized dtypes at their stored width', () => {
    const w = (dtype: 'float32' | 'int32' | 'bool', q?: 'uint8' | 'uint16' | 'float16') =>
      weightEntryBytes({ name: 'x', shape: [2, 5], dtype, ...(q ? { quantization: { dtype: q } } : {}) }, MODEL);
    expect([w('float32'), w('int32'), w('bool'), w('float32', 'uint8'), w('float32', 'uint16'), w('float32', 'float16')]).toEqual([40, 40, 10, 10, 20, 20]);
    expect(() => weightEntryBytes({ name: 's', shape: [1], dtype: 'string' }, MODEL)).toThrow(`${MODEL}: weight "s" has unsupported dtype string`);
  });

  it('needs 60 bytes for the test model', () => {
    expect(expectedGroupBytes(parseModelJson(JSON.stringify(modelJson()), MODEL).weightsManifest[0], MODEL)).toBe(60);
  });

  it('names the weights file when its length does not match the manifest', () => {
    const json = parseModelJson(JSON.stringify(modelJson()), MODEL);
    expect(() => buildArtifacts(json, files(new ArrayBuffer(59)), MODEL))
      .toThrow(`${WEIGHTS}: 59 bytes, but the weights manifest in ${MODEL} needs 60 bytes (2 tensors)`);
    expect(() => buildArtifacts(json, [[]], MODEL)).toThrow(`${MODEL}: weightsManifest[0] lists 1 file(s) but 0 were given`);
  });
});

describe('building the model', () => {
  beforeAll(() => tf.setBackend('cpu'));

  const artifacts = () => buildArtifacts(parseModelJson(JSON.stringify(modelJson()), MODEL), files(), MODEL);

  it('dequantizes the weights and runs: the test model is a nearest x2 upscale', async () => {
    const model = await buildAndWarm(entry, artifacts());
    const before = tf.memory().numTensors;
    const x = tf.tensor4d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1, 1, 2, 3]);
    const y = model.execute(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 4, 3]);
    const row = [0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.4, 0.5, 0.6];
    expect(Array.from(await y.data())).toEqual([...row, ...row].map(Math.fround));
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('fails the warm-up when the output does not match the registry scale', async () => {
    await expect(buildAndWarm({ ...entry, scale: 4 }, artifacts()))
      .rejects.toThrow(`${MODEL}: warm-up failed: output shape [1,32,32,3] for a 16x16 input; scale 4 in the registry needs [1,64,64,3]`);
  });
});

describe('fetchModelArtifacts', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Serves the test model from an in-memory map through a stubbed fetch. */
  function serve(map: Record<string, () => Response>): void {
    vi.stubGlobal('fetch', async (url: URL) => (map[url.pathname.slice(1)] ?? (() => new Response('', { status: 404, statusText: 'Not Found' })))());
  }
  const base = 'http://app.test/';

  it('fetches model.json and its weights', async () => {
    serve({ [MODEL]: () => Response.json(modelJson()), [WEIGHTS]: () => new Response(weightBytes()) });
    const a = await fetchModelArtifacts(base, MODEL);
    expect((a.weightData as ArrayBuffer).byteLength).toBe(60);
    expect(a.weightSpecs?.map((w) => w.name)).toEqual(['w', 'b']);
  });

  it('names a missing model.json or weights file', async () => {
    serve({});
    await expect(fetchModelArtifacts(base, MODEL)).rejects.toThrow(`${MODEL}: HTTP 404 Not Found (missing file)`);
    serve({ [MODEL]: () => Response.json(modelJson()) });
    await expect(fetchModelArtifacts(base, MODEL)).rejects.toThrow(`${WEIGHTS}: HTTP 404 Not Found (missing file)`);
  });

  it('recognises a single-page-app server answering a missing weights file with index.html', async () => {
    serve({ [MODEL]: () => Response.json(modelJson()), [WEIGHTS]: () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }) });
    await expect(fetchModelArtifacts(base, MODEL)).rejects.toThrow(`${WEIGHTS}: missing file (the server answered with an HTML page)`);
  });

  it('reports network failures with the file name', async () => {
    vi.stubGlobal('fetch', async () => { throw new TypeError('Failed to fetch'); });
    await expect(fetchModelArtifacts(base, MODEL)).rejects.toThrow(`${MODEL}: could not be fetched (Failed to fetch)`);
  });
});
