using System.Globalization;
using System.Text.Json.Nodes;
using Paykassma.Tests.Shared;

namespace Paykassma.Bench;

/// <summary>
/// Pre-generated, correctly signed, unique postbacks (built by the test kit's SignedPostbacks, as the
/// tests build theirs: additional_data signed over PHP's json_encode with the signing flags, the body
/// in PHP's default wire escaping), one per line, so that the load generator only sends bytes and does no hashing. Postback number n
/// carries gateway transaction id 100000000000+n and plugin_custom_order_id PREFIX+n, which the bench
/// seeds as a proof of its own deposit (label bench-(n mod 100), amount 300): every postback
/// confirms one deposit, as in production.
/// </summary>
internal static class PostbackBodies
{
    public static void Generate(Args args)
    {
        var directory = args.Text("out-dir");
        var accessKey = args.Text("access-key");
        var privateKey = args.Text("private-key");
        var prefix = args.Text("prefix", "pmb_");
        var start = args.Long("start", 1);
        Directory.CreateDirectory(directory);
        foreach (var set in args.Text("sets").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = set.Split(':');
            var count = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var lines = new byte[count][];
            var first = start;
            Parallel.For(0, count, i => lines[i] = Body(first + i, prefix, accessKey, privateKey));
            using (var file = new FileStream(Path.Combine(directory, parts[0] + ".txt"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                foreach (var line in lines)
                {
                    file.Write(line);
                    file.WriteByte((byte)'\n');
                }
            }
            Console.Error.WriteLine($"{parts[0]}: {count} postbacks, numbers {start}..{start + count - 1}, {lines.Average(l => l.Length):0} bytes each on average");
            start += count;
        }
    }

    public static byte[] Body(long n, string prefix, string accessKey, string privateKey)
    {
        var item = SignedPostbacks.Item((100_000_000_000 + n).ToString(CultureInfo.InvariantCulture), prefix + n.ToString(CultureInfo.InvariantCulture));
        item["stockpiling_id"] = 20000 + n;
        var bytes = SignedPostbacks.Body(new JsonArray(item), accessKey, privateKey,
            "bench-" + (n % 100).ToString(CultureInfo.InvariantCulture), 300);
        if (Array.IndexOf(bytes, (byte)'\n') >= 0)
        {
            throw new InvalidOperationException("A wire body holds a newline; the one-per-line file would break.");
        }
        return bytes;
    }
}
