using Npgsql;
using NpgsqlTypes;
using static Paykassma.Merchant.Api.Persistence.Bound;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// What <see cref="ProofStatements.Insert"/> is bound from: the new proof, its screenshot's bytes, and how
/// many proofs a deposit may hold (Proofs:MaxProofsPerDeposit).
/// </summary>
internal sealed record ProofInsertInput(Proof Proof, ReadOnlyMemory<byte> Screenshot, int MaxProofs)
{
    /// <summary>Every name the insert uses, and how it is bound.</summary>
    public static readonly IReadOnlyDictionary<string, Func<ProofInsertInput, NpgsqlParameter>> Binders =
        new Dictionary<string, Func<ProofInsertInput, NpgsqlParameter>>
        {
            ["id"] = x => Value(x.Proof.Id),
            ["deposit_id"] = x => Value(x.Proof.DepositId),
            ["label"] = x => Value(x.Proof.Label),
            ["custom_transaction_id"] = x => Value(x.Proof.CustomTransactionId),
            ["transaction_number"] = x => Value(x.Proof.TransactionNumber),
            ["amount"] = x => Value(x.Proof.Amount),
            ["attempts"] = x => Value(x.Proof.Attempts),
            ["attempt_limit"] = x => Value(x.Proof.AttemptLimit),
            ["next_attempt_at"] = x => OrNull(x.Proof.NextAttemptAt, NpgsqlDbType.TimestampTz),
            ["idempotency_key"] = x => OrNull(x.Proof.IdempotencyKey, NpgsqlDbType.Text),
            ["request_hash"] = x => Value(x.Proof.RequestHash),
            ["screenshot_file_name"] = x => Value(x.Proof.ScreenshotFileName),
            ["screenshot_content_type"] = x => Value(x.Proof.ScreenshotContentType),
            ["screenshot_size"] = x => Value(x.Proof.ScreenshotSize),
            ["screenshot_sha256"] = x => Value(x.Proof.ScreenshotSha256),
            ["created_at"] = x => Value(x.Proof.CreatedAt),
            ["updated_at"] = x => Value(x.Proof.UpdatedAt),
            ["screenshot"] = x => Bytes(x.Screenshot),
            ["max_proofs"] = x => Value(x.MaxProofs),
        };
}
