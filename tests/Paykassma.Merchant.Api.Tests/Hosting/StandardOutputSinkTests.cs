using System.Text;
using Paykassma.Merchant.Api.Hosting;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>Each log line leaves the process in one write, whole, as the formatter wrote it.</summary>
public sealed class StandardOutputSinkTests
{
    [Fact]
    public void A_line_longer_than_the_console_buffer_is_one_write()
    {
        var output = new CountingStream();
        var formatter = new RenderedCompactJsonFormatter();
        var sink = new StandardOutputSink(formatter, output);
        // Longer than Console.Out's 256-character buffer, which split a postback's line into three writes;
        // and not ASCII only, so that the bytes are UTF-8 of the whole line.
        var text = string.Concat(Enumerable.Repeat("Nu. 1 000,00 — ", 80));
        var first = Event(text);
        var second = Event("second");

        sink.Emit(first);
        sink.Emit(second);

        Assert.Equal(2, output.Writes.Count);
        Assert.Equal(Formatted(formatter, first), Encoding.UTF8.GetString(output.Writes[0]));
        Assert.Equal(Formatted(formatter, second), Encoding.UTF8.GetString(output.Writes[1]));
        Assert.True(output.Writes[0].Length > 1024);
        Assert.EndsWith("\n", Encoding.UTF8.GetString(output.Writes[0]), StringComparison.Ordinal);
    }

    private static LogEvent Event(string value) => new(
        DateTimeOffset.UtcNow, LogEventLevel.Information, null,
        new MessageTemplateParser().Parse("Postback stored: {Text}"),
        [new LogEventProperty("Text", new ScalarValue(value))]);

    private static string Formatted(RenderedCompactJsonFormatter formatter, LogEvent logEvent)
    {
        using var text = new StringWriter();
        formatter.Format(logEvent, text);
        return text.ToString();
    }

    private sealed class CountingStream : MemoryStream
    {
        public List<byte[]> Writes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(buffer.AsSpan(offset, count).ToArray());

        public override void Write(ReadOnlySpan<byte> buffer) => Writes.Add(buffer.ToArray());
    }
}
