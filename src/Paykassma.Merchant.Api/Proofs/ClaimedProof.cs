using Npgsql;
using Paykassma.Merchant.Api.Dispatching;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>What a proof's delivery attempt needs, as its claim returns it (<see cref="ProofStatements.ClaimDue"/>).</summary>
public sealed record ClaimedProof(Guid Id, string Label, string TransactionNumber, int Amount, string CustomTransactionId,
    string ScreenshotFileName, string ScreenshotContentType, int Attempts, int AttemptLimit, bool OutcomeUncertain) : IDispatchedItem
{
    /// <summary>The claim's RETURNING list (the claimed row is <c>x</c>), in the order <see cref="Read"/> reads it.</summary>
    internal const string Columns = "x.id, x.label, x.transaction_number, x.amount, x.custom_transaction_id, x.screenshot_file_name, " +
                                    "x.screenshot_content_type, x.attempts, x.attempt_limit, x.outcome_uncertain";

    internal static ClaimedProof Read(NpgsqlDataReader row) => new(row.GetGuid(0), row.GetString(1), row.GetString(2), row.GetInt32(3),
        row.GetString(4), row.GetString(5), row.GetString(6), row.GetInt32(7), row.GetInt32(8), row.GetBoolean(9));

    /// <summary>A proof just stored with its first attempt claimed (by the request that uploaded it).</summary>
    public static ClaimedProof From(Proof proof) => new(proof.Id, proof.Label, proof.TransactionNumber, proof.Amount,
        proof.CustomTransactionId, proof.ScreenshotFileName, proof.ScreenshotContentType, proof.Attempts, proof.AttemptLimit,
        proof.OutcomeUncertain);
}
