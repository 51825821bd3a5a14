using Npgsql;
using Paykassma.Merchant.Api.Ops;
using static Paykassma.Merchant.Api.Persistence.Bound;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>What an ops action's statement (<see cref="PayoutStatements.Approve"/>, …) is bound from.</summary>
/// <param name="Actor">The ops user's token subject (never the creator, for an approval).</param>
/// <param name="LeaseEnd">The lease of the attempt an approval or a retry claims for the request.</param>
/// <param name="ExtraAttempts">The fresh allowance of attempts a retry grants.</param>
internal sealed record PayoutReviewInput(Guid Id, string Actor, string? Reason, DateTimeOffset Now, DateTimeOffset LeaseEnd = default,
    int ExtraAttempts = 0)
{
    public static readonly IReadOnlyDictionary<string, Func<PayoutReviewInput, NpgsqlParameter>> Binders =
        new Dictionary<string, Func<PayoutReviewInput, NpgsqlParameter>>
        {
            ["id"] = x => Value(x.Id),
            ["actor"] = x => Value(x.Actor),
            ["reason"] = x => Text(x.Reason, OpsAudit.MaxReasonLength),
            ["now"] = x => Value(x.Now),
            ["lease_end"] = x => Value(x.LeaseEnd),
            ["extra_attempts"] = x => Value(x.ExtraAttempts),
        };
}
