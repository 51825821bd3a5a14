using System.Net;
using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>
/// How many statements a proof upload sends to PostgreSQL (RoundTrips, tests/Shared): the numbers in
/// bench/README.md, "Round trips per request". A guard read before the inserting statement again, or the
/// stored proof read back, makes these fail.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProofRoundTripTests(MerchantApiFactory api, ITestOutputHelper output)
{
    private readonly string _label = GatewayScript.NewLabel();

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
    public async Task A_forwarded_proof_upload_makes_three_round_trips_with_its_guards_in_the_inserting_statement()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);

        var (response, statements) = await UploadAsync(depositId, "k-" + _label);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // The guarded insert; the attempt's outcome, whose statement also pulls the queue forward (ADR 0020); the answer's read.
        // Before: 7 (the deposit, the key, the count, the insert, the outcome, the pull forward, the read).
        Assert.Equal(3, statements.Count);
        Assert.StartsWith("WITH deposit AS", statements[0].TrimStart(), StringComparison.Ordinal);
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

    private static ByteArrayContent Copy(MultipartFormDataContent form, byte[] bytes)
    {
        var copy = new ByteArrayContent(bytes);
        copy.Headers.ContentType = form.Headers.ContentType;
        return copy;
    }
}
