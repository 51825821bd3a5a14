using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Writes each log event to standard output as one line in one write. Serilog's console sink writes
/// through <see cref="Console.Out"/>, whose writer flushes every 256 characters: a postback's line
/// (about 700 characters of JSON) left in three writes, a quarter of the API's system calls per
/// postback at a fixed rate (bench/README.md, "Where the fixed-rate run's CPU goes"), and two
/// processes sharing a pipe could interleave parts of their lines. One write keeps a line whole (in a
/// pipe, up to 4 KiB).
/// </summary>
internal sealed class StandardOutputSink(ITextFormatter formatter, Stream output) : ILogEventSink
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private readonly Lock _writing = new();
    private byte[] _bytes = new byte[4096];

    public void Emit(LogEvent logEvent)
    {
        // Formatted outside the lock, as Serilog's console sink does: only the write is serialised.
        using var text = new StringWriter(new StringBuilder(1024), CultureInfo.InvariantCulture);
        formatter.Format(logEvent, text);
        var line = text.ToString();
        lock (_writing)
        {
            var needed = Utf8.GetMaxByteCount(line.Length);
            if (needed > _bytes.Length)
            {
                _bytes = new byte[Math.Max(needed, _bytes.Length * 2)];
            }
            var length = Utf8.GetBytes(line, _bytes);
            output.Write(_bytes, 0, length);
            output.Flush();
        }
    }
}
