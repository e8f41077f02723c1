// tfjs-backend-wasm's DepthToSpace is an element-by-element loop: about 85 ms for the
// 640x360x12 tensor at the end of an x2 filter, more than the filter's convolutions. The same
// rearrangement as one 5-D transpose (XNNPACK) takes about 10 ms, so the wasm kernel is
// replaced by that. Gradients are unaffected (they are registered per op, not per kernel).
import * as tf from '@tensorflow/tfjs';

type TransposeKernel = (args: { inputs: { x: tf.TensorInfo }; backend: unknown; attrs: { perm: number[] } }) => tf.TensorInfo;

/** Swaps the wasm backend's DepthToSpace kernel for a transpose-based one; safe to call more than once. */
export function useTransposeDepthToSpaceOnWasm(): void {
  const current = tf.getKernel('DepthToSpace', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc as unknown as TransposeKernel | undefined;
  if (!current || !transpose || (current.kernelFunc as { transposeBased?: boolean }).transposeBased) return;
  const native = current.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { blockSize: b, dataFormat } = args.attrs as unknown as tf.DepthToSpaceAttrs;
    if (dataFormat !== 'NHWC') return native(args);
    const [n, h, w, c] = x.shape;
    const depth = c / (b * b);
    // NHWC DCR order: in[n, y, x, (i*b + j)*depth + d] = out[n, y*b + i, x*b + j, d].
    const out = transpose({ inputs: { x: { ...x, shape: [n * h, w, b, b, depth] } }, backend: args.backend, attrs: { perm: [0, 2, 1, 3, 4] } });
    return { ...out, shape: [n, h * b, w * b, depth] };
  };
  Object.assign(kernelFunc, { transposeBased: true });
  tf.unregisterKernel('DepthToSpace', 'wasm');
  tf.registerKernel({ kernelName: 'DepthToSpace', backendName: 'wasm', kernelFunc });
}
