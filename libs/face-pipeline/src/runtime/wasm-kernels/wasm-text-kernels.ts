/** Our kernels written in WebAssembly text, and the generated modules that embed their binaries. */
export const WASM_TEXT_KERNELS = [{ wat: 'conv-epilogue.wat', embedded: 'conv-epilogue-wasm.ts', constName: 'CONV_EPILOGUE_WASM_BASE64' }] as const;
