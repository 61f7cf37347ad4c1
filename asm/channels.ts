/**
 * Per-channel bias over [batch, channels, plane] tensors (NCHW with the spatial axes flattened):
 * out[n, c, l] = x[n, c, l] + bias[c]. Split by planes (rows of the [batch·channels, plane] view)
 * [r0, r1); each plane is one contiguous run with one bias value. `out` may alias `x`.
 */

export function channelBias(x: usize, bias: usize, channels: i32, plane: i32, out: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const s = load<f32>(bias + (<usize>(r % channels) << 2));
    const v = f32x4.splat(s);
    const base = <usize>r * <usize>plane << 2;
    const end = <usize>plane << 2;
    let o: usize = 0;
    for (; o + 16 <= end; o += 16) v128.store(out + base + o, f32x4.add(v128.load(x + base + o), v));
    for (; o < end; o += 4) store<f32>(out + base + o, load<f32>(x + base + o) + s);
  }
}
