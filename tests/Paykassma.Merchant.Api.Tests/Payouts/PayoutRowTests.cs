using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>
/// The payout a statement returns (PayoutRow, ADR 0025) is the payout EF Core reads: a request answers
/// with the first where it used to read the second. A column added to the table without its line in
/// PayoutRow, or read into the wrong property, fails here.
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutRowTests(PayoutApiFactory api)
{
    [Fact]
    public void The_row_a_statement_returns_has_every_column_of_payouts_and_no_other()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        var table = db.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(Payout))!;

        Assert.Equal(table.GetProperties().Select(p => p.GetColumnName()).Order(), PayoutRow.Columns.Order());
        Assert.Equal(PayoutRow.Columns.Length, PayoutRow.Columns.Distinct().Count());
    }

    [Fact]
    public async Task A_payout_read_from_a_returned_row_equals_the_payout_ef_core_reads_in_every_property()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var created = await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "row-" + label);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        // Every nullable column given a value unlike its neighbours', so that two columns read in each
        // other's place cannot pass as equal (a fixture: no request writes all of these at once).
        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var fill = new NpgsqlCommand("""
                UPDATE payouts SET bank_details = '{"bank_code": "ABC"}', next_attempt_at = now() + interval '1 minute',
                    last_error = 'http_503', gateway_message = 'later', withdrawal_status = 1, reported_at = now() - interval '2 minutes',
                    status_conflict = true, conflicting_status = 6, settled_amount = 1019.50, amount_mismatch = true,
                    stale_since = now() - interval '3 minutes', settled_at = now() - interval '4 minutes',
                    attention_seen_since = now() - interval '5 minutes', outcome_uncertain = true
                WHERE id = @id
                """, connection);
            fill.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await fill.ExecuteNonQueryAsync());
        }

        Payout returned;
        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand($"SELECT {PayoutRow.List("p")} FROM payouts p WHERE p.id = @id", connection);
            select.Parameters.AddWithValue("id", id);
            await using var reader = await select.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            returned = PayoutRow.Read(reader, 0)!;
        }
        await using var scope = api.Services.CreateAsyncScope();
        var read = await scope.ServiceProvider.GetRequiredService<MerchantDbContext>().Payouts.AsNoTracking().SingleAsync(p => p.Id == id);

        foreach (var property in typeof(Payout).GetProperties())
        {
            var value = property.GetValue(read);
            Assert.True(value is not null, $"The fixture left {property.Name} null: give it a value.");
            Assert.True(Equals(value, property.GetValue(returned)), $"{property.Name}: EF Core reads {value}, the returned row {property.GetValue(returned)}.");
        }
    }
}
