import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testImagePng, testImageScale, testImageSize } from '../../../../src/render/images/test-image.ts';

describe('test image size', () => {
  it('scales by the whole factor that brings the longer side nearest 112 pixels', () => {
    expect(testImageScale([28, 28, 1])).toBe(4);
    expect(testImageScale([32, 32, 3])).toBe(4); // 3.5 rounds up
    expect(testImageScale([64, 48, 3])).toBe(2);
    expect(testImageScale([224, 224, 3])).toBe(1);
    expect(testImageSize([32, 16, 1])).toEqual({ width: 64, height: 128 });
  });
});

describe('testImagePng', () => {
  it('upscales with nearest neighbours: every source pixel becomes an exact square', async () => {
    // 2×3 gray image with distinct values; at 112/3 → scale 37.
    const pixels = Uint8Array.from([0, 50, 100, 150, 200, 250]);
    const png = await testImagePng(pixels, [2, 3, 1]);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([111, 74]);
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        expect(data[(y * info.width + x) * info.channels]).toBe(pixels[Math.floor(y / 37) * 3 + Math.floor(x / 37)]);
      }
    }
  });

  it('keeps colour images in colour', async () => {
    const red = Uint8Array.from([255, 0, 0, 0, 0, 255]); // 1×2: red, blue
    const { data, info } = await sharp(await testImagePng(red, [1, 2, 3])).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBeGreaterThanOrEqual(3);
    expect([...data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...data.subarray((info.width - 1) * info.channels, (info.width - 1) * info.channels + 3)]).toEqual([0, 0, 255]);
  });

  it('refuses pixels that do not match the shape', async () => {
    await expect(testImagePng(new Uint8Array(5), [2, 3, 1])).rejects.toThrow('5 bytes do not make a 2×3×1 image');
  });
});
