using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// A deposit's postback (nearly every postback) runs a statement whose plan holds only what deposits
/// need. The withdrawal checks' look back at earlier items of the same postback (matched e) was planned
/// once per reference, six subplans PostgreSQL started on every execution of a deposit's statement,
/// where it could never match (bench/README.md, "Where the fixed-rate run's CPU goes").
/// </summary>
[Collection(ProofCollection.Name)]
public sealed class DepositStatementPlanTests(FastDispatcherFactory api, ITestOutputHelper output)
{
    private const string WithdrawalLookBack = "CTE Scan on matched e";

    public static TheoryData<string> DepositStatements => ["StoreOneIngoing", "StoreManyIngoing"];

    [Theory]
    [MemberData(nameof(DepositStatements))]
    public async Task A_deposit_statement_starts_no_withdrawal_check(string name)
    {
        api.CreateClient().Dispose(); // the service, so its migrations, run
        var plan = await GenericPlans.ExplainAsync(api.ConnectionString, Statement(name));
        output.WriteLine(plan);

        Assert.DoesNotContain(WithdrawalLookBack, plan, StringComparison.Ordinal);
        Assert.DoesNotContain(" on payouts ", plan, StringComparison.Ordinal);
    }

    /// <summary>The check the deposit statements leave out is still where withdrawals need it.</summary>
    [Fact]
    public async Task A_withdrawal_statement_still_looks_back_at_earlier_items()
    {
        api.CreateClient().Dispose();
        var plan = await GenericPlans.ExplainAsync(api.ConnectionString, PostbackStatements.StoreOneOutgoing);

        Assert.Contains(WithdrawalLookBack, plan, StringComparison.Ordinal);
    }

    private static PostbackStatement Statement(string name) => name switch
    {
        "StoreOneIngoing" => PostbackStatements.StoreOneIngoing,
        "StoreManyIngoing" => PostbackStatements.StoreManyIngoing,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
