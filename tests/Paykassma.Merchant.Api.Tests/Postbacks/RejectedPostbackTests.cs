using System.Net;
using System.Text;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>What is not a genuine postback: refused, recorded for ops, and it changes nothing.</summary>
[Collection(ProofCollection.Name)]
public sealed class RejectedPostbackTests(FastDispatcherFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("refused");

    private Task<(Guid DepositId, string CustomId)> ForwardedProofAsync(int claimed = 300) => api.ForwardedProofAsync(_label, claimed);

    private Task<string?> DepositStatusAsync(Guid id) =>
        api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", id));

    private Task<long> TransactionsAsync(string transactionId) =>
        api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId));

    [Theory]
    [InlineData("bad signature")]
    [InlineData("foreign access key")]
    [InlineData("missing signature")]
    [InlineData("tampered signed amount")]
    public async Task Unverified_postbacks_are_401_recorded_as_rejected_and_change_nothing(string kind)
    {
        var (depositId, customId) = await ForwardedProofAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        var item = TestPostbacks.Item(transactionId, customId);
        var body = kind switch
        {
            "bad signature" => TestPostbacks.Body([item], privateKey: "not-our-private-key"),
            "foreign access key" => TestPostbacks.Body([item], accessKey: "someone_elses_key"),
            "missing signature" => Encoding.UTF8.GetBytes(TestPostbacks.Utf8(TestPostbacks.Body([item])).Replace("\"signature\"", "\"signatur\"", StringComparison.Ordinal)),
            _ => Encoding.UTF8.GetBytes(TestPostbacks.Utf8(TestPostbacks.Body([item])).Replace("\"amount\":\"300\"", "\"amount\":\"3000\"", StringComparison.Ordinal)),
        };
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("fail", await TestPostbacks.StatusOf(response));
        Assert.Equal(0, await TransactionsAsync(transactionId));
        Assert.Equal("pending_confirmation", await DepositStatusAsync(depositId));
        var reason = await api.ScalarAsync<string>(
            "SELECT reject_reason FROM postbacks WHERE @t = ANY(transaction_ids) AND outcome = 'rejected'", ("t", transactionId));
        Assert.Equal(kind switch
        {
            "bad signature" or "tampered signed amount" => "bad_signature",
            "foreign access key" => "foreign_access_key",
            _ => "missing_signature",
        }, reason);
    }

    public static TheoryData<string> MalformedNames => new(Malformed.Keys);

    private static readonly Dictionary<string, Func<byte[]>> Malformed = new()
    {
        ["empty"] = () => [],
        ["not JSON"] = () => "status=ok&amount=300"u8.ToArray(),
        ["truncated"] = () => TestPostbacks.For("x", "123456789012")[..120],
        ["JSON array"] = () => "[1,2,3]"u8.ToArray(),
        ["JSON string"] = () => "\"postback\""u8.ToArray(),
        ["no additional_data"] = () => """{"signature":"00","access_key":"uowkn0b3LfBxpcWYHi4_","amount":300}"""u8.ToArray(),
        ["additional_data an object"] = () => """{"signature":"00","additional_data":{"transaction_id":"1"}}"""u8.ToArray(),
        ["additional_data a string"] = () => """{"signature":"00","additional_data":"[]"}"""u8.ToArray(),
        ["transaction not an object"] = () => """{"signature":"00","additional_data":[1]}"""u8.ToArray(),
        ["transaction without id"] = () => """{"signature":"00","additional_data":[{"amount":"300"}]}"""u8.ToArray(),
        ["invalid UTF-8"] = () => [.. "{\"signature\":\"00\",\"label\":\""u8, 0xC3, 0x28, .. "\",\"additional_data\":[]}"u8],
        ["lone surrogate"] = () => """{"signature":"00","additional_data":[{"transaction_id":"1","comment":"\ud800"}]}"""u8.ToArray(),
        ["duplicate keys"] = () => """{"signature":"00","signature":"11","additional_data":[]}"""u8.ToArray(),
        ["deeply nested"] = () => Encoding.UTF8.GetBytes("{\"additional_data\":" + new string('[', 5000) + new string(']', 5000) + "}"),
        ["huge"] = () => Encoding.UTF8.GetBytes("{\"signature\":\"" + new string('a', 300 * 1024) + "\",\"additional_data\":[]}"),
        ["binary"] = () => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919)).ToArray(),
    };

    [Theory]
    [MemberData(nameof(MalformedNames))]
    public async Task Malformed_bodies_are_4xx_and_leave_only_a_rejected_postback_record(string name)
    {
        var body = Malformed[name]();
        using var gateway = api.CreateClient();
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));

        var response = await gateway.PostAsync(body);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode}");
        Assert.Equal("fail", await TestPostbacks.StatusOf(response));
        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions"));
        if (name != "huge")
        {
            Assert.Equal("rejected", await api.ScalarAsync<string>(
                "SELECT outcome FROM postbacks WHERE body_sha256 = @s ORDER BY received_at DESC LIMIT 1", ("s", sha)));
        }
        else
        {
            Assert.Equal("too_large", await api.ScalarAsync<string>(
                "SELECT reject_reason FROM postbacks WHERE body_truncated ORDER BY received_at DESC LIMIT 1"));
        }
    }

    [Fact]
    public async Task A_postback_can_be_sent_with_any_content_type()
    {
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.For("free-" + transactionId, transactionId), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
