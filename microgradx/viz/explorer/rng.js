// numpy's default_rng(seed) in the page: SeedSequence → PCG64 → uniform, normal, permutation.
//
// The library draws its datasets, initial weights, splits and mini-batch orders from
// numpy.random.default_rng(seed); the page draws the same numbers from the same seed, so a
// network trained here starts from the library's weights and sees the library's batches.
// SeedSequence, PCG64 (XSL-RR 128/64), next_double, the masked-rejection bounded integers
// behind permutation and the uniform draws are bit-for-bit numpy's. The normal draws use the
// same 256-level ziggurat, with tables computed here by Marsaglia & Tsang's recurrence: they
// equal numpy's draws to the last bit for most samples and to ~1e-14 for the rest.

const M32 = 0xffffffffn;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;
const PCG_MULT = (2549297995355413924n << 64n) + 4865540595714422341n;

const mul32 = (a, b) => Math.imul(a, b) >>> 0;

/** SeedSequence(seed).generate_state(4, uint64) for an int seed >= 0. */
function seedState(seed) {
  let n = BigInt(seed);
  const entropy = [];
  if (n === 0n) entropy.push(0);
  while (n > 0n) {
    entropy.push(Number(n & M32));
    n >>= 32n;
  }
  let hashConst = 0x43b0d7e5;
  const hashmix = (value) => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, 0x931e8875);
    v = mul32(v, hashConst);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x, y) => {
    const r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = [0, 1, 2, 3].map((i) => hashmix(i < entropy.length ? entropy[i] : 0));
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
    }
  }
  for (let src = 4; src < entropy.length; src++) {
    for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  let hashB = 0x8b51f9dd;
  const words = [];
  for (let i = 0; i < 8; i++) {
    let v = (pool[i % 4] ^ hashB) >>> 0;
    hashB = mul32(hashB, 0x58f38ded);
    v = mul32(v, hashB);
    words.push(BigInt((v ^ (v >>> 16)) >>> 0));
  }
  return [0, 1, 2, 3].map((i) => words[2 * i] | (words[2 * i + 1] << 32n));
}

// The ziggurat for the standard normal: 256 layers, right tail from R.
const ZIG_R = 3.6541528853610088;
const ZIG_V = 0.0049286732339746519;
const { KI, WI, FI } = (() => {
  const ki = new Array(256).fill(0n);
  const wi = new Array(256).fill(0);
  const fi = new Array(256).fill(0);
  const f = Math.exp(-0.5 * ZIG_R * ZIG_R);
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / f;
  const two52 = 2 ** 52;
  ki[0] = BigInt(Math.trunc((dn / q) * two52));
  wi[0] = q / two52;
  wi[255] = dn / two52;
  fi[0] = 1.0;
  fi[255] = f;
  for (let i = 254; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    ki[i + 1] = BigInt(Math.trunc((dn / tn) * two52));
    tn = dn;
    fi[i] = Math.exp(-0.5 * dn * dn);
    wi[i] = dn / two52;
  }
  return { KI: ki, WI: wi, FI: fi };
})();

/** numpy.random.default_rng(seed): a PCG64 Generator. */
export class Generator {
  constructor(seed) {
    if (!Number.isInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be an int >= 0, got ${seed}`);
    }
    const [s0, s1, s2, s3] = seedState(seed);
    const initState = (s0 << 64n) | s1;
    const initSeq = (s2 << 64n) | s3;
    this.inc = ((initSeq << 1n) | 1n) & M128;
    this.state = 0n;
    this.advance();
    this.state = (this.state + initState) & M128;
    this.advance();
    this.hasUint32 = false;
    this.uint32 = 0n;
  }

  advance() {
    this.state = (this.state * PCG_MULT + this.inc) & M128;
  }

  /** The next 64 random bits (a BigInt). */
  next64() {
    this.advance();
    const x = ((this.state >> 64n) ^ this.state) & M64;
    const rot = this.state >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & M64;
  }

  /** 32 random bits; numpy keeps the other half of a 64-bit draw for the next call. */
  next32() {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uint32;
    }
    const next = this.next64();
    this.hasUint32 = true;
    this.uint32 = next >> 32n;
    return next & M32;
  }

  /** A double in [0, 1) with 53 random bits. */
  random() {
    return Number(this.next64() >> 11n) * (1.0 / 9007199254740992.0);
  }

  /** An integer in [0, max], by masked rejection (numpy's random_interval). */
  interval(max) {
    if (max === 0) return 0;
    const big = BigInt(max);
    let mask = big;
    for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> s;
    const draw = big <= M32 ? () => this.next32() : () => this.next64();
    for (;;) {
      const value = draw() & mask;
      if (value <= big) return Number(value);
    }
  }

  /** uniform(low, high, n) */
  uniform(low, high, n) {
    return Array.from({ length: n }, () => low + (high - low) * this.random());
  }

  /** One standard normal draw (numpy's ziggurat). */
  standardNormal() {
    for (;;) {
      let r = this.next64();
      const idx = Number(r & 0xffn);
      r >>= 8n;
      const sign = r & 1n;
      const rabs = (r >> 1n) & 0x000fffffffffffffn;
      let x = Number(rabs) * WI[idx];
      if (sign) x = -x;
      if (rabs < KI[idx]) return x;
      if (idx === 0) {
        for (;;) {
          const xx = (-1.0 / ZIG_R) * Math.log1p(-this.random());
          const yy = -Math.log1p(-this.random());
          if (yy + yy > xx * xx) return (rabs >> 8n) & 1n ? -(ZIG_R + xx) : ZIG_R + xx;
        }
      }
      if ((FI[idx - 1] - FI[idx]) * this.random() + FI[idx] < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /** normal(loc, scale, n) */
  normal(loc, scale, n) {
    return Array.from({ length: n }, () => loc + scale * this.standardNormal());
  }

  /** permutation(n): numpy's Fisher–Yates shuffle of 0 … n−1. */
  permutation(n) {
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

/** numpy.linspace(start, stop, num, endpoint). */
export function linspace(start, stop, num, endpoint = true) {
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  const y = Array.from({ length: num }, (_, i) =>
    div > 0 && step !== 0 ? i * step + start : i * delta + start,
  );
  if (endpoint && num > 1) y[num - 1] = stop;
  return y;
}
