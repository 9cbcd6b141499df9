package dev.weft.http.testing;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/** A deterministic stream of bytes (byte i is {@code (byte) (i * 31 + 7)}), made on demand, never held in memory. */
public final class GeneratedBytes extends InputStream {
  private final long length;
  private final AtomicLong produced; // shared with the test, to watch progress
  private long position;

  public GeneratedBytes(long length, AtomicLong produced) {
    this.length = length;
    this.produced = produced;
  }

  public static byte at(long index) {
    return (byte) (index * 31 + 7);
  }

  /** The CRC32 of the first {@code length} bytes. */
  public static long crcOf(long length) {
    CRC32 crc = new CRC32();
    byte[] block = new byte[64 * 1024];
    for (long start = 0; start < length; start += block.length) {
      int size = (int) Math.min(block.length, length - start);
      for (int i = 0; i < size; i++) {
        block[i] = at(start + i);
      }
      crc.update(block, 0, size);
    }
    return crc.getValue();
  }

  /** Fills a buffer with the bytes from {@code start}. */
  public static ByteBuffer buffer(long start, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = at(start + i);
    }
    return ByteBuffer.wrap(bytes);
  }

  @Override
  public int read() {
    if (position >= length) {
      return -1;
    }
    produced.incrementAndGet();
    return at(position++) & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int count) {
    if (position >= length) {
      return -1;
    }
    int size = (int) Math.min(count, length - position);
    for (int i = 0; i < size; i++) {
      target[offset + i] = at(position + i);
    }
    position += size;
    produced.addAndGet(size);
    return size;
  }
}
