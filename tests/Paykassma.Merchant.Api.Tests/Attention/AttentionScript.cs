using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Attention;

/// <summary>
/// The attention list's tests: payouts on (approval above 50 000, two attempts), queued proofs left
/// queued (an hour's back-off), and a ledger that is down for good with one attempt per event, so
/// every money event fails at the ledger.
/// </summary>
public sealed class AttentionApiFactory : MerchantApiFactory
{
    public AttentionApiFactory()
    {
        With("Payouts:ApprovalThreshold", "50000");
        With("Payouts:Dispatcher:PollInterval", "00:00:00.100");
        With("Payouts:Dispatcher:BaseDelay", "00:00:00.100");
        With("Payouts:Dispatcher:MaxDelay", "00:00:00.200");
        With("Payouts:Dispatcher:Lease", "00:00:20");
        With("Payouts:Dispatcher:MaxAttempts", "2");
        With("Proofs:Dispatcher:BaseDelay", "01:00:00");
        With("Proofs:Dispatcher:MaxDelay", "01:00:00");
        With("Events:WebhookUrl", Gateway.Url + LedgerScript.Path);
        With("Events:WebhookSecret", LedgerScript.Secret);
        With("Events:Timeout", "00:00:01");
        With("Events:Dispatcher:PollInterval", "00:00:00.100");
        With("Events:Dispatcher:MaxAttempts", "1");
        Gateway.AnswersLedger(500);
    }
}

[CollectionDefinition(Name)]
public sealed class AttentionCollection : ICollectionFixture<AttentionApiFactory>
{
    public const string Name = "attention";
}

/// <summary>Arranging stuck money and reading the attention list, for the attention tests.</summary>
public static class AttentionScript
{
    public static HttpClient Ops(this MerchantApiFactory api) => api.OpsClient("ops-attention");

    /// <summary>Every entry of the list (all pages) for the query given (e.g. "kind=payout_failed&amp;seen=true").</summary>
    public static async Task<IReadOnlyList<JsonElement>> AttentionAsync(this MerchantApiFactory api, string query = "")
    {
        using var ops = api.Ops();
        var items = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var answer = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/attention?pageSize=200&page={page}&{query}");
            var batch = answer.GetProperty("items").EnumerateArray().ToList();
            items.AddRange(batch);
            if (batch.Count < 200)
            {
                return items;
            }
        }
    }

    /// <summary>The subject's entries, of any kind (seen ones with <paramref name="seen"/>).</summary>
    public static async Task<IReadOnlyList<JsonElement>> EntriesOfAsync(this MerchantApiFactory api, Guid subject, bool seen = false) =>
        (await api.AttentionAsync(seen ? "seen=true" : "")).Where(e => e.GetProperty("subjectId").GetGuid() == subject).ToList();

    /// <summary>The subject's only entry, which must be of <paramref name="kind"/>.</summary>
    public static async Task<JsonElement> OnlyEntryAsync(this MerchantApiFactory api, Guid subject, string kind, bool seen = false)
    {
        var entry = Assert.Single(await api.EntriesOfAsync(subject, seen));
        Assert.Equal(kind, entry.GetProperty("kind").GetString());
        return entry;
    }

    public static async Task<HttpResponseMessage> MarkSeenAsync(this MerchantApiFactory api, string kind, Guid subject, object? body, string actor = "ops-seer")
    {
        using var ops = api.OpsClient(actor);
        return await ops.PostAsJsonAsync($"/api/ops/attention/{kind}/{subject}/seen", body);
    }

    public static Task<int> ExecAsync(this MerchantApiFactory api, string sql, params (string Name, object Value)[] parameters) =>
        api.ScalarAsync<int>(sql + "; SELECT 1", parameters);

    /// <summary>A payout as the gateway answers it: "ok", a refusal (its message), or 503 (failed after two attempts).</summary>
    public static async Task<Guid> PayoutAsync(this MerchantApiFactory api, string label, string answer, int status = 200, int amount = 1020)
    {
        api.Gateway.AnswersWithdrawal(label, answer, status);
        var created = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label, amount), "attention-" + label)).JsonAsync();
        return created.GetProperty("id").GetGuid();
    }

    public static Task<string?> PayoutStatusAsync(this MerchantApiFactory api, Guid id) =>
        api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id));

    public static async Task<Guid> FailedPayoutAsync(this MerchantApiFactory api, string label)
    {
        var id = await api.PayoutAsync(label, """{"status":"fail"}""", status: 503);
        Assert.Equal("failed", await Eventually.WaitForAsync(() => api.PayoutStatusAsync(id), s => s == "failed"));
        return id;
    }

    /// <summary>A proof the gateway did not answer (503): queued after its first attempt, retried only an hour later.</summary>
    public static async Task<(Guid DepositId, Guid ProofId)> QueuedProofAsync(this MerchantApiFactory api, string label)
    {
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label, "down", status: 503);
        using var user = api.ClientFor(label);
        var proof = await (await user.UploadAsync(depositId, ProofScript.Form())).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", proof.GetProperty("status").GetString());
        return (depositId, proof.GetProperty("id").GetGuid());
    }

    /// <summary>A signed item no proof matches (no_matching_proof); returns its stored row's id.</summary>
    public static async Task<Guid> UnmatchedItemAsync(this MerchantApiFactory api, string amount = "450")
    {
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        Assert.Equal("ok", await TestPostbacks.StatusOf(await gateway.PostAsync(TestPostbacks.For("pm_nobody_" + transactionId, transactionId, amount))));
        return await api.ScalarAsync<Guid>("SELECT id FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId));
    }

    public static async Task PostWithdrawalStatusAsync(this MerchantApiFactory api, Guid payoutId, int status)
    {
        var withdrawalId = await api.ScalarAsync<string>("SELECT withdrawal_id FROM payouts WHERE id = @id", ("id", payoutId));
        using var gateway = api.CreateClient();
        var body = TestPostbacks.Body([TestPostbacks.PayoutItem(TestPostbacks.NewTransactionId(), withdrawalId!, status, "1020")], direction: "outgoing");
        Assert.Equal("ok", await TestPostbacks.StatusOf(await gateway.PostAsync(body)));
    }
}
