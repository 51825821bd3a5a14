using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>What the sweep aims at, arranged before its fingerprint of the database is taken.</summary>
public sealed partial class HostileRequestSweepTests
{
    /// <summary>
    /// A deposit that still takes proofs, a confirmed one, a forwarded proof and a rejected postback, all
    /// the owner's; a rejected payout of the back office's; a pending money event.
    /// </summary>
    private async Task<SweepTargets> ArrangeTargetsAsync()
    {
        _api.Gateway.AnswersCreate(Owner, GatewayScript.RequisitesBody());
        _api.Gateway.AnswersProof(Owner);
        using var owner = new HttpClient { BaseAddress = _http.BaseAddress };
        owner.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.For(Owner));

        async Task<Guid> NewDepositAsync()
        {
            var response = await owner.PostAsJsonAsync("/api/deposits", new { amount = 300 });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        var open = await NewDepositAsync();
        var closed = await NewDepositAsync();
        var upload = await owner.UploadAsync(closed, ProofScript.Form("555566667777"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var proof = await upload.Content.ReadFromJsonAsync<JsonElement>();
        var confirm = await _http.PostAsync(TestPostbacks.For(proof.GetProperty("customTransactionId").GetString()!, "800000000001"));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal("confirmed", await _api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @d", ("d", closed)));

        var forged = await _http.PostAsync(TestPostbacks.Body([TestPostbacks.Item("800000000002", "pm_x")], Owner, privateKey: "not-our-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var rejected = await _api.ScalarAsync<Guid>("SELECT id FROM postbacks WHERE outcome = 'rejected' ORDER BY received_at DESC LIMIT 1");

        // A payout above the approval threshold, rejected by ops: every action on it is refused from then on.
        using var backOffice = new HttpClient { BaseAddress = _http.BaseAddress };
        backOffice.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            TestTokens.For(HostileCorpus.BackOfficeSubject, roles: "payouts"));
        var created = await backOffice.CreateAsync(PayoutScript.Body("sweep-payee"), "sweep-payout");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var payout = (await created.JsonAsync()).GetProperty("id").GetGuid();
        using var ops = new HttpClient { BaseAddress = _http.BaseAddress };
        ops.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.For("sweep-reviewer", ops: true));
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/ops/payouts/{payout}/reject", new { reason = "arranged by the sweep" })).StatusCode);

        // Pending for good: the sweep's service has no webhook URL.
        var pendingEvent = await _api.ScalarAsync<Guid>("SELECT id FROM outbox_events WHERE subject_id = @d", ("d", closed));
        var latestChange = await _api.ScalarAsync<long>("SELECT max(id) FROM deposit_changes WHERE deposit_id = @d", ("d", closed));

        return new SweepTargets(Owner, open, closed, proof.GetProperty("id").GetGuid(), rejected, DateTimeOffset.UtcNow, payout, pendingEvent, latestChange);
    }

    private async Task<(HttpStatusCode Created, HttpStatusCode ReadBack)> CreateNormalDepositAsync()
    {
        var label = GatewayScript.NewLabel("after-sweep");
        _api.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var user = new HttpClient { BaseAddress = _http.BaseAddress };
        user.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.For(label));
        var created = await user.PostAsJsonAsync("/api/deposits", new { amount = 300 });
        if (created.StatusCode != HttpStatusCode.Created)
        {
            return (created.StatusCode, default);
        }
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return (created.StatusCode, (await user.GetAsync($"/api/deposits/{id}")).StatusCode);
    }
}
