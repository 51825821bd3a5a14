using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>
/// Every kind of the attention list, in one table (ADR 0016): the list, the counts, the gauge, the
/// mark statement and the partial indexes are generated from it. <c>since</c> is always a moment stored
/// on the subject's row when its stuck state began (the first forwarded proof, the refusal, the give-up,
/// …), never a threshold added to it, so a mark made on it stays valid while the state lasts.
/// </summary>
internal static class AttentionKinds
{
    private const string NoteBody = """{"note": "what you did or found"}""";
    private const string ReasonBody = """{"reason": "why"}""";

    private static readonly string ProofFacts = """
        jsonb_build_object('depositId', s.deposit_id, 'transactionNumber', s.transaction_number, 'attempts', s.attempts,
            'attemptLimit', s.attempt_limit, 'lastError', s.last_error, 'nextAttemptAt', s.next_attempt_at, 'amount', s.amount, 'currency', d.currency)
        """;

    private static readonly string PayoutFacts = """
        jsonb_build_object('withdrawalId', s.withdrawal_id, 'label', s.label, 'accountNumber', s.account_number, 'createdBy', s.created_by,
            'status', s.status, 'gatewayMessage', s.gateway_message, 'lastError', s.last_error, 'attempts', s.attempts, 'sentAt', s.sent_at,
            'withdrawalStatus', s.withdrawal_status, 'conflictingStatus', s.conflicting_status, 'amount', s.amount, 'currency', s.currency)
        """;

    public static readonly IReadOnlyList<AttentionKindSpec> All =
    [
        new()
        {
            // Driven from the deposits (the pending ones are few; the expired ones stay in the index only until seen),
            // never from the proofs, whose forwarded ones are every deposit ever paid.
            Kind = AttentionKind.ProofUnconfirmed, Subject = OpsSubjectType.Deposit, Table = "deposits",
            Condition = a => $"{a}status IN ({DepositStatuses(DepositStatus.PendingConfirmation, DepositStatus.Expired)}) AND {a}proof_forwarded_at IS NOT NULL",
            Due = a => $"{a}proof_forwarded_at < @unconfirmed_before",
            SinceColumn = "proof_forwarded_at", OwnIndex = true, Index = "ix_deposits_attention_proof_unconfirmed",
            Details = $"""
                LEFT JOIN LATERAL (
                    SELECT count(*) AS forwarded, sum(p.amount) AS claimed,
                        (array_agg(p.transaction_number ORDER BY p.forwarded_at DESC))[1] AS transaction_number,
                        (array_agg(p.custom_transaction_id ORDER BY p.forwarded_at DESC))[1] AS custom_id
                    FROM proofs p WHERE p.deposit_id = s.id AND p.status = {ProofTransitions.Sql(ProofStatus.Forwarded)}) f ON true
                """,
            Amount = "f.claimed", Currency = "s.currency",
            Facts = """
                jsonb_build_object('status', s.status, 'label', s.label, 'forwardedProofs', f.forwarded, 'transactionNumber', f.transaction_number,
                    'customTransactionId', f.custom_id, 'claimed', f.claimed, 'currency', s.currency)
                """,
            Reason = f => $"The gateway accepted proof {f.Text("transactionNumber")} ({f.Text("customTransactionId")}, {f.Number("claimed")} {f.Text("currency")} claimed"
                + (f.Number("forwardedProofs") is { } n && n != "1" ? $", {n} proofs forwarded" : "")
                + "), but no signed postback has confirmed the deposit"
                + (f.Text("status") == SnakeCaseEnumConverter<DepositStatus>.ToText(DepositTransitions.Moves.To(DepositMove.Expire)) ? "; it has expired since (a late postback still confirms it)." : "."),
            Resolve = (id, f) =>
            [
                new("GET", $"/api/ops/deposits/{id}", "Its proofs, signed transactions and postbacks: the runbook \"I paid but my deposit is not confirmed\", step 5."),
                new("GET", $"/api/ops/transactions?customOrderId={Uri.EscapeDataString(f.Text("customTransactionId") ?? "")}",
                    "A signed item for the proof that credited nothing says why (unappliedReason). None at all: ask Paykassma support, quoting the customTransactionId and the bank transaction number."),
                Seen(AttentionKind.ProofUnconfirmed, id, "Once asked or settled: record what you found."),
            ],
        },
        new()
        {
            Kind = AttentionKind.ProofQueued, Subject = OpsSubjectType.Proof, Table = "proofs",
            Condition = a => $"{a}status = {ProofTransitions.Sql(ProofStatus.Queued)} AND {a}attempts > 1",
            SinceColumn = "created_at", Index = "ix_proofs_status_created_at",
            Details = "JOIN deposits d ON d.id = s.deposit_id", Amount = "s.amount", Currency = "d.currency", Facts = ProofFacts,
            Reason = f => $"Proof {f.Text("transactionNumber")} ({f.Number("amount")} {f.Text("currency")} claimed) has not reached the gateway after "
                + $"{f.Text("attempts")} attempts (last error: {f.Text("lastError")}); it is retried until attempt {f.Text("attemptLimit")}.",
            Resolve = (id, f) =>
            [
                new("GET", $"/api/ops/deposits/{f.Id("depositId")}",
                    $"Nothing to send: the dispatcher retries it by itself (next at {f.Time("nextAttemptAt")}). If the gateway is down, see the runbook \"Proof queue stuck\"."),
            ],
        },
        new()
        {
            Kind = AttentionKind.ProofFailed, Subject = OpsSubjectType.Proof, Table = "proofs",
            Condition = a => $"{a}status = {ProofTransitions.Sql(ProofStatus.Failed)}",
            SinceColumn = "updated_at", OwnIndex = true, Index = "ix_proofs_attention_failed",
            Details = "JOIN deposits d ON d.id = s.deposit_id", Amount = "s.amount", Currency = "d.currency", Facts = ProofFacts,
            Reason = f => $"Proof {f.Text("transactionNumber")} ({f.Number("amount")} {f.Text("currency")} claimed) never reached the gateway: "
                + $"given up after {f.Text("attempts")} attempts (last error: {f.Text("lastError")}).",
            Resolve = (id, f) =>
            [
                new("POST", $"/api/ops/proofs/{id}/retry", "Once the gateway takes proofs again: sends it again with a fresh allowance of attempts.", ReasonBody),
                new("GET", $"/api/ops/deposits/{f.Id("depositId")}", "The deposit and its other proofs."),
            ],
        },
        new()
        {
            Kind = AttentionKind.PayoutAwaitingApproval, Subject = OpsSubjectType.Payout, Table = "payouts",
            Condition = a => $"{a}status = {PayoutTransitions.Sql(PayoutStatus.AwaitingApproval)}",
            Due = a => $"{a}created_at < @approval_before",
            SinceColumn = "created_at", Index = "ix_payouts_status_created_at",
            Amount = "s.amount", Currency = "s.currency", Facts = PayoutFacts,
            Reason = f => $"Payout of {f.Number("amount")} {f.Text("currency")} to {f.Text("label")} (account {f.Text("accountNumber")}) waits for a second ops user; "
                + $"created by {f.Text("createdBy")}.",
            Resolve = (id, f) =>
            [
                new("POST", $"/api/ops/payouts/{id}/approve", $"Approve it (as anyone but {f.Text("createdBy")}): it is sent at once."),
                new("POST", $"/api/ops/payouts/{id}/reject", "Or turn it down: it is never sent, and the ledger hears payout.rejected.", ReasonBody),
            ],
        },
        new()
        {
            Kind = AttentionKind.PayoutRefused, Subject = OpsSubjectType.Payout, Table = "payouts",
            Condition = a => $"{a}status = {PayoutTransitions.Sql(PayoutStatus.Refused)}",
            SinceColumn = "updated_at", OwnIndex = true, Index = "ix_payouts_attention_refused",
            Amount = "s.amount", Currency = "s.currency", Facts = PayoutFacts,
            Reason = f => $"The gateway refused payout {f.Text("withdrawalId")} ({f.Number("amount")} {f.Text("currency")} to {f.Text("label")}): {f.Text("gatewayMessage")}",
            Resolve = (id, _) =>
            [
                new("POST", $"/api/ops/payouts/{id}/retry", "After fixing the cause (the gateway balance, the account details): sends it again under the same withdrawalId.", ReasonBody),
                Seen(AttentionKind.PayoutRefused, id, "If it will not be paid: settle the user's balance with the back office, then record it."),
            ],
        },
        new()
        {
            Kind = AttentionKind.PayoutFailed, Subject = OpsSubjectType.Payout, Table = "payouts",
            Condition = a => $"{a}status = {PayoutTransitions.Sql(PayoutStatus.Failed)}",
            SinceColumn = "updated_at", OwnIndex = true, Index = "ix_payouts_attention_failed",
            Amount = "s.amount", Currency = "s.currency", Facts = PayoutFacts,
            Reason = f => $"Payout {f.Text("withdrawalId")} ({f.Number("amount")} {f.Text("currency")} to {f.Text("label")}) got no answer from the gateway after "
                + $"{f.Text("attempts")} attempts (last error: {f.Text("lastError")}); the gateway may still have it.",
            Resolve = (id, _) =>
            [
                new("GET", $"/api/ops/payouts/{id}", "Wait for its postback first: the gateway may have it."),
                new("POST", $"/api/ops/payouts/{id}/retry", "Or send it again: safe, under the same withdrawalId.", ReasonBody),
            ],
        },
        new()
        {
            Kind = AttentionKind.PayoutStale, Subject = OpsSubjectType.Payout, Table = "payouts",
            Condition = a => $"{a}status = {PayoutTransitions.Sql(PayoutStatus.Sent)} AND {a}stale_since IS NOT NULL",
            SinceColumn = "stale_since", OwnIndex = true, Index = "ix_payouts_attention_stale",
            Amount = "s.amount", Currency = "s.currency", Facts = PayoutFacts,
            Reason = f => $"Payout {f.Text("withdrawalId")} ({f.Number("amount")} {f.Text("currency")} to {f.Text("label")}) was sent at {f.Time("sentAt")} "
                + "and the gateway has signed no final status past the settlement deadline"
                + (f.Text("withdrawalStatus") is { } status ? $" (last reported withdrawal_status {status})." : "."),
            Resolve = (id, _) =>
            [
                new("GET", $"/api/ops/payouts/{id}", "The statuses it signed so far; never send it again under another id."),
                Seen(AttentionKind.PayoutStale, id, "Once Paykassma support is asked about its withdrawalId (its signed postback settles it whenever it comes): record it."),
            ],
        },
        new()
        {
            // Reversals at the gateway: a handful a year, so the flag's own index and a lookup of the first contradicting fact.
            Kind = AttentionKind.PayoutStatusConflict, Subject = OpsSubjectType.Payout, Table = "payouts",
            Condition = a => $"{a}status_conflict",
            SinceExpression = a => $"""
                COALESCE((SELECT min(t.stored_at) FROM gateway_transactions t
                          WHERE t.payout_id = {a}id AND t.unapplied_reason = '{UnappliedReasons.StatusConflict}'), {a}updated_at)
                """,
            Index = "ix_payouts_status_conflict",
            Amount = "COALESCE(s.settled_amount, s.amount)", Currency = "s.currency", Facts = PayoutFacts,
            Reason = f => $"Payout {f.Text("withdrawalId")} is {f.Text("status")}, but the gateway then signed withdrawal_status {f.Text("conflictingStatus")}, "
                + "which contradicts it: the user's balance in the ledger may be wrong.",
            Resolve = (id, _) =>
            [
                new("GET", $"/api/ops/payouts/{id}", "Both signed statuses are in its transactions: ask the gateway which is true, then correct the user's balance in the ledger."),
                Seen(AttentionKind.PayoutStatusConflict, id, "Then record what the gateway said and what you corrected."),
            ],
        },
        new()
        {
            Kind = AttentionKind.PostbackHeld, Subject = OpsSubjectType.Postback, Table = "postbacks",
            Condition = a => $"{a}outcome = {PostbackTransitions.Moves.SqlTo(PostbackMove.Hold)}",
            SinceColumn = "received_at", Index = "ix_postbacks_outcome_received_at",
            Facts = "jsonb_build_object('rejectDetail', s.reject_detail, 'transactionIds', array_to_string(s.transaction_ids, ', '), 'transactionCount', s.transaction_count)",
            Reason = f => $"A verified postback ({f.Text("transactionCount")} signed item(s): {f.Text("transactionIds")}) is held: the database refused to apply it "
                + $"({f.Text("rejectDetail")}). Nothing in it is credited.",
            Resolve = (id, _) =>
            [
                new("POST", $"/api/ops/postbacks/{id}/reverify", "After the fix is deployed: applies it as if it had just arrived."),
                new("GET", $"/api/ops/postbacks/{id}", "Its body and the database's reason."),
            ],
        },
        new()
        {
            // Not payout_already_settled (a status agreeing with the settlement: nothing to do) nor status_conflict
            // (listed as its payout's conflict).
            Kind = AttentionKind.ItemUnapplied, Subject = OpsSubjectType.Transaction, Table = "gateway_transactions",
            Condition = a => $"{a}unapplied_reason IS NOT NULL AND {a}unapplied_reason NOT IN "
                + $"('{UnappliedReasons.PayoutAlreadySettled}', '{UnappliedReasons.StatusConflict}')",
            SinceColumn = "stored_at", OwnIndex = true, Index = "ix_gateway_transactions_attention_unapplied",
            Amount = "s.amount", Currency = "s.currency_code",
            Facts = """
                jsonb_build_object('unappliedReason', s.unapplied_reason, 'direction', s.direction, 'transactionId', s.transaction_id,
                    'customOrderId', s.custom_order_id, 'withdrawalId', s.withdrawal_id, 'withdrawalStatus', s.withdrawal_status,
                    'amountText', s.amount_text, 'currency', s.currency_code, 'postbackId', s.postback_id)
                """,
            Reason = f => $"The gateway signed {f.Text("direction")} item {f.Text("transactionId") ?? "(no transaction id)"} "
                + $"({f.Text("amountText")} {f.Text("currency")}), which credits nothing: {f.Text("unappliedReason")}, {AttentionReasons.Unapplied(f)}.",
            Resolve = (id, f) =>
            [
                new("GET", $"/api/ops/postbacks/{f.Id("postbackId")}", "The signed postback that brought it."),
                Seen(AttentionKind.ItemUnapplied, id, "Once settled with the gateway by hand (or its status list fixed): record it."),
            ],
        },
        new()
        {
            Kind = AttentionKind.EventFailed, Subject = OpsSubjectType.Event, Table = "outbox_events",
            Condition = a => $"{a}status = {EventTransitions.Sql(EventStatus.Failed)}",
            SinceColumn = "failed_at", OwnIndex = true, Index = "ix_outbox_events_attention_failed",
            Amount = "CASE WHEN jsonb_typeof(s.data -> 'amount') = 'number' THEN (s.data ->> 'amount')::numeric END",
            Currency = "s.data ->> 'currency'",
            Facts = "jsonb_build_object('type', s.type, 'subjectId', s.subject_id, 'attempts', s.attempts, 'lastError', s.last_error)",
            Reason = f => $"The ledger never took {f.Text("type")} for {f.Text("subjectId")}: given up after {f.Text("attempts")} attempts (last error: {f.Text("lastError")}).",
            Resolve = (id, _) =>
            [
                new("POST", $"/api/ops/events/{id}/redeliver", "After fixing the ledger side (its URL, its secret): sends it again under the same webhook-id."),
            ],
        },
        new()
        {
            Kind = AttentionKind.DepositAmountDiffers, Subject = OpsSubjectType.Deposit, Table = "deposits",
            Condition = a => $"{a}amount_differs",
            SinceColumn = "updated_at", OwnIndex = true, Index = "ix_deposits_attention_amount_differs",
            Amount = "s.confirmed_amount", Currency = "s.currency",
            Facts = "jsonb_build_object('label', s.label, 'asked', s.amount, 'confirmedAmount', s.confirmed_amount, 'currency', s.currency, 'amountMismatch', s.amount_mismatch)",
            Reason = f => $"A deposit of {f.Text("label")} asked {f.Number("asked")} {f.Text("currency")} and was confirmed for {f.Number("confirmedAmount")} {f.Text("currency")}, "
                + "the signed total, which is what is credited" + (f.Flag("amountMismatch") ? "; its proofs claimed yet another amount." : "."),
            Resolve = (id, _) =>
            [
                new("GET", $"/api/ops/deposits/{id}", "Its proofs and signed transactions: check with the user or the merchant's support that the amount is meant."),
                Seen(AttentionKind.DepositAmountDiffers, id, "Then record it."),
            ],
        },
    ];

    private static readonly Dictionary<AttentionKind, AttentionKindSpec> ByKind = All.ToDictionary(spec => spec.Kind);

    public static AttentionKindSpec Of(AttentionKind kind) => ByKind[kind];

    private static string DepositStatuses(params DepositStatus[] statuses) => SnakeCaseEnumConverter<DepositStatus>.SqlList(statuses);

    private static AttentionCall Seen(AttentionKind kind, Guid id, string what) =>
        new("POST", $"/api/ops/attention/{SnakeCaseEnumConverter<AttentionKind>.ToText(kind)}/{id}/seen", what, NoteBody);
}
