using System.Buffers;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// A screenshot held once, in a buffer rented from the shared pool: it is written to PostgreSQL
/// from this memory and every gateway attempt reads a fresh stream over it. Measured: Npgsql copies
/// a Stream parameter about three times, but writes a ReadOnlyMemory parameter without copying, so
/// one pooled buffer is the cheapest way through (see UploadMemoryTests).
/// </summary>
public sealed class PooledScreenshot : IDisposable
{
    /// <summary>
    /// Our own pool, not ArrayPool.Shared: the shared pool caches large arrays per thread, and an
    /// async request hops threads, so a returned 8 MB array was rarely found again. This one is
    /// shared by all threads and keeps at most a few arrays per size (bounded retention).
    /// </summary>
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 32 * 1024 * 1024, maxArraysPerBucket: 4);

    private byte[]? _buffer;

    private PooledScreenshot(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledScreenshot));

    public static async Task<PooledScreenshot> ReadAsync(Stream source, long length, CancellationToken cancellationToken)
    {
        var size = checked((int)length);
        var buffer = Pool.Rent(size);
        try
        {
            await source.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken);
            return new PooledScreenshot(buffer, size);
        }
        catch
        {
            Pool.Return(buffer);
            throw;
        }
    }

    /// <summary>A new read-only stream from the start, over the same memory (no copy).</summary>
    public Stream OpenRead() => new MemoryStream(Buffer, 0, Length, writable: false);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            Pool.Return(buffer);
        }
    }
}
