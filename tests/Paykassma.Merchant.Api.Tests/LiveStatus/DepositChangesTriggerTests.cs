using System.Text.RegularExpressions;
using Paykassma.Merchant.Api.LiveStatus;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.LiveStatus;

/// <summary>
/// The trigger function lives in a file of its own (<see cref="DepositChangesTrigger"/>): the database the
/// migrations build runs exactly that text, so an edit to the file that no migration applies fails here.
/// </summary>
public sealed partial class DepositChangesTriggerTests(MerchantApiFactory api) : IClassFixture<MerchantApiFactory>
{
    [Fact]
    public async Task The_database_runs_the_trigger_function_in_its_file()
    {
        await MigratedAsync();
        var installed = await api.ScalarAsync<string>("SELECT prosrc FROM pg_proc WHERE proname = 'deposit_changes_record'");

        Assert.Equal(Normalized(Body().Match(DepositChangesTrigger.RecordFunction).Groups[1].Value), Normalized(installed!));
    }

    [Fact]
    public async Task The_trigger_fires_the_function_after_each_insert_and_each_update_of_the_visible_columns()
    {
        await MigratedAsync();
        var definition = await api.ScalarAsync<string>(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE t.tgname = 'deposits_record_changes' AND NOT t.tgisinternal");

        Assert.Equal(
            "CREATE TRIGGER deposits_record_changes AFTER INSERT OR UPDATE OF status, confirmed_amount, amount_mismatch ON public.deposits "
            + "FOR EACH ROW EXECUTE FUNCTION deposit_changes_record()",
            definition);
    }

    // The service migrates its database as it starts; a deposit is the first thing that starts it.
    private Task MigratedAsync() => api.CreateDepositAsync(GatewayScript.NewLabel("trigger"));

    private static string Normalized(string sql) => Whitespace().Replace(sql, " ").Trim();

    [GeneratedRegex(@"\$\$(.*)\$\$", RegexOptions.Singleline)]
    private static partial Regex Body();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
