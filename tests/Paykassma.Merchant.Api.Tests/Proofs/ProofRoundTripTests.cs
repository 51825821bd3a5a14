using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>
/// How many statements a proof upload sends to PostgreSQL (RoundTrips, tests/Shared): the numbers in
/// bench/README.md, "Round trips per request". A guard read before the inserting statement again, or the
/// stored proof read back (the answer comes from the attempt's recording, as a payout's does, ADR 0025),
/// makes these fail.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProofRoundTripTests(MerchantApiFactory api, ITestOutputHelper output)
{
    private readonly string _label = GatewayScript.NewLabel();

    /// <summary>EF Core's read of a proof, the re-read the upload's answer no longer needs.</summary>
    private const string ReadBack = "FROM proofs AS p";

    private async Task<(HttpResponseMessage Response, IReadOnlyList<string> Statements)> UploadAsync(
        Guid depositId, string? key = null, HttpContent? form = null)
    {
        using var roundTrips = new RoundTrips();
        using var client = api.ClientFor(_label);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/deposits/{depositId}/proof") { Content = form ?? ProofScript.Form() };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        var (response, statements) = await roundTrips.SendAsync(client, request);
        output.WriteLine($"{statements.Count} statements:\n{string.Join("\n---\n", statements)}");
        return (response, statements);
    }

    [Fact]
    public async Task A_forwarded_proof_upload_makes_two_round_trips_and_answers_from_the_recorded_outcome()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);

        var (response, statements) = await UploadAsync(depositId, "k-" + _label);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("forwarded", body.GetProperty("status").GetString());
        // The guarded insert; the attempt's outcome, whose statement also pulls the queue forward (ADR 0020)
        // and returns the row the answer shows. Before: 3 (the answer's read last); 7 before that (the
        // deposit, the key, the count, the insert, the outcome, the pull forward, the read).
        Assert.Equal(2, statements.Count);
        Assert.StartsWith("WITH deposit AS", statements[0].TrimStart(), StringComparison.Ordinal);
        Assert.Contains("UPDATE proofs SET status", statements[1], StringComparison.Ordinal);
        Assert.DoesNotContain(statements, s => s.Contains(ReadBack, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_proof_makes_one_round_trip()
    {
        var depositId = await api.CreateDepositAsync(_label);
        await api.ScalarAsync<int>("UPDATE deposits SET status = 'expired' WHERE id = @id", ("id", depositId));

        var (response, statements) = await UploadAsync(depositId, "k-" + _label);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Single(statements); // Before: 2 with a key (the deposit, the key).
    }

    [Fact]
    public async Task A_replayed_proof_makes_one_round_trip()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);
        var form = ProofScript.Form();
        var bytes = await form.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(depositId, "k-" + _label, Copy(form, bytes))).Response.StatusCode);

        var (response, statements) = await UploadAsync(depositId, "k-" + _label, Copy(form, bytes));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(statements); // Before: 2 (the deposit, the key).
    }

    [Fact]
    public async Task A_replay_during_the_first_upload_wakes_when_it_ends_instead_of_polling()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label, delay: TimeSpan.FromMilliseconds(1500));
        var form = ProofScript.Form();
        var bytes = await form.ReadAsByteArrayAsync();
        var first = UploadAsync(depositId, "k-" + _label, Copy(form, bytes));
        await Task.Delay(300);

        var (response, statements) = await UploadAsync(depositId, "k-" + _label, Copy(form, bytes));

        Assert.Equal(HttpStatusCode.Accepted, (await first).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("forwarded", (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        // The insert that finds the proof submitting, and one read once the first request ended. Polling
        // every 100 ms read it about a dozen times in the same wait.
        Assert.Equal(2, statements.Count);
    }

    /// <summary>
    /// The host stopping during the upload's first attempt: the upload still answers with the stored proof
    /// (a 202), the row its insert returned. Run on ProofSubmitter with a lifetime of the test's own, since
    /// a test host that really stops disposes its services under the request in flight.
    /// </summary>
    [Fact]
    public async Task A_proof_upload_cut_short_by_shutdown_answers_with_the_row_its_insert_stored()
    {
        // Its own host without a proof dispatcher: nothing else takes the proof left submitting.
        await using var own = new MerchantApiFactory().With("Proofs:Dispatcher:Enabled", "false");
        await own.InitializeAsync();
        var depositId = await own.CreateDepositAsync(_label);
        own.Gateway.AnswersProof(_label, delay: TimeSpan.FromSeconds(30));
        using var stopping = new CancellationTokenSource();
        await using var scope = own.Services.CreateAsyncScope();
        var submitter = ActivatorUtilities.CreateInstance<ProofSubmitter>(scope.ServiceProvider, new TestLifetime(stopping.Token));
        var bytes = ProofScript.Png();
        using var valid = new ValidProof(ProofScript.NewTransactionNumber(), 300,
            await PooledScreenshot.ReadAsync(new MemoryStream(bytes), bytes.Length, CancellationToken.None),
            new ScreenshotKind("image/png", ".png"), Convert.ToHexStringLower(SHA256.HashData(bytes)), "payment.png");

        var submit = submitter.SubmitAsync(depositId, _label, valid, "k-" + _label, CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await own.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE deposit_id = @id", ("id", depositId)) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The upload never stored its proof.");
            await Task.Delay(20);
        }
        await stopping.CancelAsync();
        var result = await submit.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SubmitProofStatus.Stored, result.Status);
        var proof = Assert.IsType<Proof>(result.Proof);
        Assert.Equal((ProofStatus.Submitting, 1, depositId), (proof.Status, proof.Attempts, proof.DepositId));
        Assert.Equal(proof.Id, await own.ScalarAsync<Guid>("SELECT id FROM proofs WHERE deposit_id = @id AND status = 'submitting'", ("id", depositId)));
        Assert.Contains(own.Logs.GetSnapshot(), r => r.Id.Id == 5103);
    }

    private sealed class TestLifetime(CancellationToken stopping) : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => stopping;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => throw new NotSupportedException();
    }

    private static ByteArrayContent Copy(MultipartFormDataContent form, byte[] bytes)
    {
        var copy = new ByteArrayContent(bytes);
        copy.Headers.ContentType = form.Headers.ContentType;
        return copy;
    }
}
