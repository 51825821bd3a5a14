using System.Buffers;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Batches small writes into spans borrowed from an <see cref="IBufferWriter{T}"/>: asking the
/// writer for a span per token would cost more than the encoding itself on the postback path.
/// </summary>
internal ref struct BufferedUtf8Output
{
    private const int MinimumChunk = 256;

    private readonly IBufferWriter<byte> _destination;
    private Span<byte> _span;
    private int _used;

    public BufferedUtf8Output(IBufferWriter<byte> destination)
    {
        _destination = destination;
        _span = default;
        _used = 0;
    }

    public void Write(byte value)
    {
        if (_used == _span.Length)
        {
            Renew(1);
        }

        _span[_used++] = value;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_used == _span.Length)
            {
                Renew(Math.Min(bytes.Length, 4096));
            }

            var count = Math.Min(bytes.Length, _span.Length - _used);
            bytes[..count].CopyTo(_span[_used..]);
            _used += count;
            bytes = bytes[count..];
        }
    }

    /// <summary>A span of at least <paramref name="length"/> bytes; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> Reserve(int length)
    {
        if (_span.Length - _used < length)
        {
            Renew(length);
        }

        return _span[_used..];
    }

    public void Advance(int count) => _used += count;

    public void Flush()
    {
        if (_used > 0)
        {
            _destination.Advance(_used);
        }

        _span = default;
        _used = 0;
    }

    private void Renew(int atLeast)
    {
        Flush();
        _span = _destination.GetSpan(Math.Max(atLeast, MinimumChunk));
    }
}
