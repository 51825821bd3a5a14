using System.Text.Json;
using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>What ops see of received postbacks and the signed facts they brought.</summary>
public static partial class OpsPostbacksApi
{
    /// <param name="AmountText">The postback's unsigned top-level amount, as the gateway wrote it (only signed items count).</param>
    public sealed record OpsPostbackSummary(
        Guid Id,
        DateTimeOffset ReceivedAt,
        PostbackOutcome Outcome,
        string? RejectReason,
        string? VerifiedWith,
        string? Format,
        string? Direction,
        string? AmountText,
        string? Label,
        IReadOnlyList<string> TransactionIds,
        int TransactionCount,
        int NewTransactionCount,
        bool HasDiscrepancies,
        int BodyLength,
        string? RemoteIp,
        DateTimeOffset? ReverifiedAt)
    {
        public static OpsPostbackSummary From(PostbackRecord p) => new(p.Id, p.ReceivedAt, p.Outcome, p.RejectReason, p.VerifiedWith,
            p.Format, p.Direction, p.Amount, p.Label, p.TransactionIds, p.TransactionCount, p.NewTransactionCount,
            p.Discrepancies is not null, p.BodyLength, p.RemoteIp, p.ReverifiedAt);
    }

    /// <param name="Body">The raw body as UTF-8 text (null when it is not valid UTF-8; see BodyBase64).</param>
    /// <param name="Transactions">The signed transactions it carries that are stored (first brought by it or by an earlier postback).</param>
    public sealed record OpsPostbackDetail(
        OpsPostbackSummary Postback,
        string? RejectDetail,
        string? Signature,
        string? AccessKey,
        string BodySha256,
        bool BodyTruncated,
        string? Body,
        string BodyBase64,
        JsonElement? Discrepancies,
        IReadOnlyList<OpsTransaction> Transactions,
        IReadOnlyList<OpsActionsApi.OpsActionEntry> Actions,
        OpsPostbackRepeats? Repeats);

    /// <summary>
    /// Deliveries of the same signed content after this postback was stored: counted here, no row each
    /// (ADR 0014). Null when it was never delivered again.
    /// </summary>
    /// <param name="DiscrepantRepeats">How many of them carried unsigned fields that disagree with the signed data.</param>
    /// <param name="LastDiscrepancies">What the last such replay claimed (a list of {field, unsigned, signed}).</param>
    public sealed record OpsPostbackRepeats(
        int Count,
        DateTimeOffset FirstAt,
        DateTimeOffset LastAt,
        string? LastRemoteIp,
        int DiscrepantRepeats,
        JsonElement? LastDiscrepancies)
    {
        public static OpsPostbackRepeats? From(PostbackRepeat? r)
        {
            if (r is null)
            {
                return null;
            }
            using var discrepancies = r.LastDiscrepancies is null ? null : JsonDocument.Parse(r.LastDiscrepancies);
            return new(r.Repeats, r.FirstRepeatedAt, r.LastRepeatedAt, r.LastRemoteIp, r.DiscrepantRepeats, discrepancies?.RootElement.Clone());
        }
    }

    /// <param name="TransactionId">Null for a signed item that carries none (see UnappliedReason).</param>
    /// <param name="Applied">It credited its deposit; when false, UnappliedReason says why.</param>
    /// <param name="UnappliedReason">Why it applied nothing: one of the stable codes listed in docs/api.md (no_matching_proof, no_matching_payout, unknown_withdrawal_status, status_conflict, …).</param>
    /// <param name="ActivatedText">The signed activated_datetime when it names no representable instant (ActivatedAt is then null).</param>
    public sealed record OpsTransaction(
        Guid Id,
        string? TransactionId,
        TransactionDirection Direction,
        decimal? Amount,
        string? AmountText,
        string? CurrencyCode,
        string? WalletType,
        string? CustomOrderId,
        Guid? ProofId,
        Guid? DepositId,
        Guid? PayoutId,
        bool Matched,
        bool Applied,
        string? UnappliedReason,
        bool AmountMismatch,
        DateTimeOffset? ActivatedAt,
        string? ActivatedText,
        int? TransactionType,
        string? WithdrawalId,
        int? WithdrawalStatus,
        string? AccountNumber,
        Guid PostbackId,
        DateTimeOffset StoredAt,
        JsonElement Item)
    {
        public static OpsTransaction From(GatewayTransaction t)
        {
            using var item = JsonDocument.Parse(t.Item);
            return new(t.Id, t.TransactionId, t.Direction, t.Amount, t.AmountText, t.CurrencyCode, t.WalletType, t.CustomOrderId,
                t.ProofId, t.DepositId, t.PayoutId, t.DepositId is not null || t.PayoutId is not null, t.Applied, t.UnappliedReason, t.AmountMismatch, t.ActivatedAt,
                t.ActivatedText, t.TransactionType,
                t.WithdrawalId, t.WithdrawalStatus, t.AccountNumber, t.PostbackId, t.StoredAt, item.RootElement.Clone());
        }
    }
}
