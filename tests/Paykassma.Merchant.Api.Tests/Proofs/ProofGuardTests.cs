using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>
/// The guards of a proof upload live in the statement that stores it: a deposit's proof limit holds
/// under concurrent uploads, and a refused upload writes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProofGuardTests(MerchantApiFactory api)
{
    private const int Limit = 10; // Proofs:MaxProofsPerDeposit's default

    private readonly string _label = GatewayScript.NewLabel();

    private async Task<HttpResponseMessage> UploadAsync(Guid depositId)
    {
        using var client = api.ClientFor(_label);
        return await client.UploadAsync(depositId, ProofScript.Form());
    }

    private Task<long> ProofsOfAsync(Guid depositId) =>
        api.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE deposit_id = @d", ("d", depositId));

    [Fact]
    public async Task Concurrent_uploads_for_a_deposits_last_proof_slot_store_one_and_refuse_the_rest()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);
        for (var i = 0; i < Limit - 1; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(depositId)).StatusCode);
        }
        HttpResponseMessage[] racing;

        // Hold the deposit's row, so that every upload's statement has begun (its snapshot taken, its
        // proofs counted) before any of them may go on: the race for the last slot, every time.
        await using (var holder = new NpgsqlConnection(api.ConnectionString))
        {
            await holder.OpenAsync();
            await using var hold = await holder.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM deposits WHERE id = @d FOR UPDATE", holder, hold))
            {
                lockRow.Parameters.AddWithValue("d", depositId);
                await lockRow.ExecuteScalarAsync();
            }
            var uploads = Enumerable.Range(0, 6).Select(_ => UploadAsync(depositId)).ToList();
            await WaitForBlockedInsertsAsync(6);
            await hold.CommitAsync();
            racing = await Task.WhenAll(uploads);
        }

        Assert.Single(racing, r => r.StatusCode == HttpStatusCode.Accepted);
        foreach (var refused in racing.Where(r => r.StatusCode != HttpStatusCode.Accepted))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.EndsWith("/too-many-proofs", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
        Assert.Equal(Limit, await ProofsOfAsync(depositId));
        Assert.Equal(Limit, await api.ScalarAsync<int>("SELECT proof_count FROM deposits WHERE id = @d", ("d", depositId)));
    }

    private async Task WaitForBlockedInsertsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await api.ScalarAsync<long>(
                   "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH deposit AS%'") < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Fewer than {count} uploads reached the deposit's lock.");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_proof_refused_by_its_number_does_not_count_against_the_limit_and_moves_nothing()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);
        var number = ProofScript.NewTransactionNumber();
        using var client = api.ClientFor(_label);
        Assert.Equal(HttpStatusCode.Accepted, (await client.UploadAsync(depositId, ProofScript.Form(number))).StatusCode);
        var other = await api.CreateDepositAsync(_label);

        var taken = await client.UploadAsync(other, ProofScript.Form(number));

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.EndsWith("/transaction-number-in-use", (await taken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(0, await ProofsOfAsync(other));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT proof_count FROM deposits WHERE id = @d", ("d", other)));
        Assert.Equal("awaiting_payment", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @d", ("d", other)));
    }

    [Fact]
    public async Task A_proof_for_another_users_deposit_is_404_and_counts_nowhere()
    {
        var depositId = await api.CreateDepositAsync(_label);
        using var stranger = api.ClientFor(GatewayScript.NewLabel());

        var response = await stranger.UploadAsync(depositId, ProofScript.Form());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await ProofsOfAsync(depositId));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT proof_count FROM deposits WHERE id = @d", ("d", depositId)));
    }
}
