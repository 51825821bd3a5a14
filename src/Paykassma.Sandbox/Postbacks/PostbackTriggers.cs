using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Gateway;
using Paykassma.Sandbox.Proofs;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// Turns a <see cref="PostbackTriggerRequest"/> into a postback, or into the problems that name each bad field:
/// which fields each kind takes, where its defaults come from, and the draft it becomes.
/// </summary>
internal sealed class PostbackTriggers(
    PostbackFactory factory,
    PostbackStore postbacks,
    ProofStore proofs,
    TimeProvider time,
    IOptions<PostbackOptions> options,
    IOptions<SandboxOptions> sandboxOptions)
{
    private readonly SandboxOptions _sandbox = sandboxOptions.Value;

    public const string KindNames = "transaction, duplicate, forged, tampered, tampered_signed, withdrawal";
    public const int MaxCount = 100;
    public const string DefaultWithdrawalLabel = "sandbox-user";
    public const string DefaultAccountNumber = "88812345";

    private const string NoProofToTakeItFrom = "(no accepted proof has this customTransactionId)";

    private static readonly Dictionary<string, PostbackKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["transaction"] = PostbackKind.Transaction,
        ["duplicate"] = PostbackKind.Duplicate,
        ["forged"] = PostbackKind.Forged,
        ["tampered"] = PostbackKind.Tampered,
        ["tampered_signed"] = PostbackKind.TamperedSigned,
        ["withdrawal"] = PostbackKind.Withdrawal,
    };

    private static readonly string[] DepositFields =
        ["proof", "customTransactionId", "amount", "label", "transactionId", "encoding", "activatedAt", "comment"];

    private static readonly Dictionary<PostbackKind, HashSet<string>> FieldsOfKind = new()
    {
        [PostbackKind.Transaction] = [.. DepositFields],
        [PostbackKind.Forged] = [.. DepositFields],
        [PostbackKind.Tampered] = [.. DepositFields, "topLevelAmount", "topLevelLabel"],
        [PostbackKind.TamperedSigned] = [.. DepositFields, "tamperedAmount"],
        [PostbackKind.Withdrawal] =
            ["amount", "label", "transactionId", "encoding", "activatedAt", "comment", "withdrawalId", "withdrawalStatus", "accountNumber"],
        [PostbackKind.Duplicate] = ["of", "count"],
    };

    public sealed record Outcome(PostbackRecord? Record, int Copies, Dictionary<string, string[]> Errors)
    {
        public static Outcome Refused(PostbackTriggerChecks checks) => new(null, 0, checks.Errors);
    }

    public Outcome Create(PostbackTriggerRequest request)
    {
        var checks = new PostbackTriggerChecks(factory.Clock, time, options.Value.WireEncoding);
        if (request.Kind is null || !Kinds.TryGetValue(request.Kind.Trim(), out var kind))
        {
            checks.Add("kind", $"kind is required: one of {KindNames}");
            return Outcome.Refused(checks);
        }

        foreach (var field in request.FieldsGiven().Where(field => !FieldsOfKind[kind].Contains(field)))
        {
            checks.Add(field, $"{field} does not apply to kind {request.Kind.Trim().ToLowerInvariant()}");
        }

        checks.ValidUnicode(request.TextFields());
        if (checks.Failed)
        {
            return Outcome.Refused(checks);
        }

        return kind switch
        {
            PostbackKind.Duplicate => Duplicate(request, checks),
            PostbackKind.Withdrawal => Withdrawal(request, checks),
            _ => Deposit(kind, request, checks),
        };
    }

    private Outcome Duplicate(PostbackTriggerRequest request, PostbackTriggerChecks checks)
    {
        var original = request.Of is { } id ? postbacks.Find(id) : postbacks.Newest();
        if (original is null)
        {
            checks.Add("of", request.Of is { } missing ? $"of: no postback {missing} is kept" : "of: there is no postback to repeat yet");
        }

        var copies = request.Count ?? 1;
        if (copies is < 1 or > MaxCount)
        {
            checks.Add("count", $"count must be between 1 and {MaxCount}");
        }

        return checks.Failed ? Outcome.Refused(checks) : new(factory.Duplicate(original!), copies, checks.Errors);
    }

    private Outcome Deposit(PostbackKind kind, PostbackTriggerRequest request, PostbackTriggerChecks checks)
    {
        ReceivedProof? proof = null;
        if (request.Proof is { } proofId)
        {
            proof = AcceptedProof(proofId);
            if (proof is null)
            {
                checks.Add("proof", proofs.Find(proofId) is null
                    ? $"proof: no proof {proofId} was received"
                    : $"proof: {proofId} was refused, so there is no transaction to report");
                return Outcome.Refused(checks);
            }
        }

        var customTransactionId = request.CustomTransactionId ?? proof?.CustomTransactionId;
        if (customTransactionId is null)
        {
            checks.Add("customTransactionId", "customTransactionId is required (or give proof: the custom_transaction_id of a received proof)");
        }
        else if (FieldRules.CheckText("customTransactionId", customTransactionId, FieldRules.MaxTextLength) is { } problem)
        {
            checks.Add("customTransactionId", problem);
        }

        // Defaults come from the proof the postback is about, so a test can say as little as it wants to.
        proof ??= customTransactionId is null ? null : AcceptedProof(customTransactionId);
        var amount = checks.Amount(request.Amount ?? proof?.Amount, NoProofToTakeItFrom);
        var label = checks.Label(request.Label ?? proof?.Label, NoProofToTakeItFrom);
        var transactionId = checks.TransactionId(request.TransactionId ?? proof?.TransactionId);
        var encoding = checks.Encoding(request.Encoding);
        var activated = checks.ActivatedAt(request.ActivatedAt, proof?.ReceivedAt);
        var tampering = Tampering(kind, request, amount, checks);
        if (checks.Failed)
        {
            return Outcome.Refused(checks);
        }

        var draft = new PostbackDraft
        {
            Direction = PostbackDraft.Ingoing,
            Amount = amount,
            CurrencyCode = proof?.CurrencyCode ?? _sandbox.Currency,
            WalletType = proof?.WalletType ?? _sandbox.WalletType,
            Label = label!,
            ActivatedDateTime = activated,
            CreatedDateTime = factory.Clock.ToGatewayText(time.GetUtcNow()),
            StockpilingId = factory.NextStockpilingId(),
            TransactionId = transactionId,
            TransactionType = 0,
            PluginCustomOrderId = customTransactionId,
            Comment = request.Comment ?? "",
        };
        return new(factory.Build(kind, PostbackSource.Control, draft, encoding, tampering), 1, checks.Errors);
    }

    /// <summary>What the tampering kinds change after signing; null for the kinds sent as signed.</summary>
    private static PostbackTampering? Tampering(PostbackKind kind, PostbackTriggerRequest request, long amount, PostbackTriggerChecks checks)
    {
        if (kind == PostbackKind.Tampered)
        {
            // Neither given: change the amount, the tampering a merchant must above all not fall for.
            return new PostbackTampering(
                TopLevelAmount: request.TopLevelAmount ?? (request.TopLevelLabel is null ? amount * 10 : null),
                TopLevelLabel: request.TopLevelLabel);
        }

        if (kind == PostbackKind.TamperedSigned)
        {
            var tamperedAmount = request.TamperedAmount ?? amount * 10;
            if (request.TamperedAmount is not null && tamperedAmount == amount)
            {
                checks.Add("tamperedAmount", "tamperedAmount must differ from amount, or nothing signed would change");
            }

            return new PostbackTampering(SignedAmount: tamperedAmount);
        }

        return null;
    }

    private Outcome Withdrawal(PostbackTriggerRequest request, PostbackTriggerChecks checks)
    {
        var amount = checks.Amount(request.Amount, "(a withdrawal has no proof to take it from)");
        var label = checks.Label(request.Label ?? DefaultWithdrawalLabel, "");
        var transactionId = checks.TransactionId(request.TransactionId);
        var encoding = checks.Encoding(request.Encoding);
        var activated = checks.ActivatedAt(request.ActivatedAt, null);
        if (request.WithdrawalId is <= 0)
        {
            checks.Add("withdrawalId", "withdrawalId must be greater than 0");
        }

        if (request.WithdrawalStatus is < 0)
        {
            checks.Add("withdrawalStatus", "withdrawalStatus must be 0 or more (1 = paid, 5 = cancelled, as integrations read them)");
        }

        if (request.AccountNumber is { Length: > FieldRules.MaxTextLength })
        {
            checks.Add("accountNumber", $"accountNumber must be at most {FieldRules.MaxTextLength} characters");
        }

        if (checks.Failed)
        {
            return Outcome.Refused(checks);
        }

        var draft = new PostbackDraft
        {
            Direction = PostbackDraft.Outgoing,
            Amount = amount,
            CurrencyCode = _sandbox.Currency,
            WalletType = _sandbox.WalletType,
            Label = label!,
            ActivatedDateTime = activated,
            CreatedDateTime = factory.Clock.ToGatewayText(time.GetUtcNow()),
            StockpilingId = factory.NextStockpilingId(),
            TransactionId = transactionId,
            TransactionType = 1,
            PluginCustomOrderId = null,
            WithdrawalId = JsonValue.Create(request.WithdrawalId ?? Random.Shared.Next(1_000, 1_000_000)),
            WithdrawalStatus = request.WithdrawalStatus ?? 1,
            AccountNumber = request.AccountNumber ?? DefaultAccountNumber,
            Comment = request.Comment ?? "",
        };
        return new(factory.Build(PostbackKind.Withdrawal, PostbackSource.Control, draft, encoding), 1, checks.Errors);
    }

    private ReceivedProof? AcceptedProof(string customTransactionId) =>
        proofs.Find(customTransactionId) is { Outcome: ProofOutcome.Accepted } proof ? proof : null;
}
