using System.Globalization;
using Microsoft.Extensions.Options;
using Paykassma.PluginApi;
using Paykassma.Sandbox.Gateway;
using Paykassma.Sandbox.Proofs;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>Turns a <see cref="PostbackTriggerRequest"/> into a postback, or into the problems that name each bad field.</summary>
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

    /// <summary>
    /// Far beyond any payment, yet ten times it (the default tampering) stays exact in a JavaScript
    /// number, so any client can show what was sent.
    /// </summary>
    public const long MaxAmount = 100_000_000_000_000;

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

    public sealed record Outcome(PostbackRecord? Record, int Copies, Dictionary<string, string[]> Errors);

    public Outcome Create(PostbackTriggerRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Kind is null || !Kinds.TryGetValue(request.Kind.Trim(), out var kind))
        {
            errors["kind"] = [$"kind is required: one of {KindNames}"];
            return new(null, 0, errors);
        }

        foreach (var field in request.FieldsGiven().Where(field => !FieldsOfKind[kind].Contains(field)))
        {
            errors[field] = [$"{field} does not apply to kind {request.Kind.Trim().ToLowerInvariant()}"];
        }

        // JSON may carry "\ud800", which no UTF-8 (and so no PHP postback) can hold; refused here, not a 500 later.
        foreach (var (field, _) in request.TextFields().Where(text => HasLoneSurrogate(text.Value)))
        {
            errors[field] = [$"{field} must be valid Unicode (it has a lone surrogate escape)"];
        }

        if (errors.Count > 0)
        {
            return new(null, 0, errors);
        }

        return kind switch
        {
            PostbackKind.Duplicate => Duplicate(request, errors),
            PostbackKind.Withdrawal => Withdrawal(request, errors),
            _ => Deposit(kind, request, errors),
        };
    }

    private Outcome Duplicate(PostbackTriggerRequest request, Dictionary<string, string[]> errors)
    {
        var original = request.Of is { } id ? postbacks.Find(id) : postbacks.Newest();
        if (original is null)
        {
            errors["of"] = [request.Of is { } missing ? $"of: no postback {missing} is kept" : "of: there is no postback to repeat yet"];
        }

        var copies = request.Count ?? 1;
        if (copies is < 1 or > MaxCount)
        {
            errors["count"] = [$"count must be between 1 and {MaxCount}"];
        }

        return errors.Count > 0 ? new(null, 0, errors) : new(factory.Duplicate(original!), copies, errors);
    }

    private Outcome Deposit(PostbackKind kind, PostbackTriggerRequest request, Dictionary<string, string[]> errors)
    {
        ReceivedProof? proof = null;
        if (request.Proof is { } proofId)
        {
            proof = AcceptedProof(proofId);
            if (proof is null)
            {
                errors["proof"] = [proofs.Find(proofId) is null
                    ? $"proof: no proof {proofId} was received"
                    : $"proof: {proofId} was refused, so there is no transaction to report"];
                return new(null, 0, errors);
            }
        }

        var customTransactionId = request.CustomTransactionId ?? proof?.CustomTransactionId;
        if (customTransactionId is null)
        {
            errors["customTransactionId"] = ["customTransactionId is required (or give proof: the custom_transaction_id of a received proof)"];
        }
        else if (FieldRules.CheckText("customTransactionId", customTransactionId, FieldRules.MaxTextLength) is { } problem)
        {
            errors["customTransactionId"] = [problem];
        }

        // Defaults come from the proof the postback is about, so a test can say as little as it wants to.
        proof ??= customTransactionId is null ? null : AcceptedProof(customTransactionId);
        var amount = Amount(request.Amount ?? proof?.Amount, "amount", errors, "(no accepted proof has this customTransactionId)");
        var label = Label(request.Label ?? proof?.Label, errors, "(no accepted proof has this customTransactionId)");
        var transactionId = TransactionId(request.TransactionId ?? proof?.TransactionId, errors);
        var encoding = Encoding(request.Encoding, errors);
        var activated = Activated(request.ActivatedAt, proof?.ReceivedAt, errors);

        PostbackTampering? tampering = null;
        if (kind == PostbackKind.Tampered)
        {
            // Neither given: change the amount, the tampering a merchant must above all not fall for.
            tampering = new PostbackTampering(
                TopLevelAmount: request.TopLevelAmount ?? (request.TopLevelLabel is null ? amount * 10 : null),
                TopLevelLabel: request.TopLevelLabel);
        }
        else if (kind == PostbackKind.TamperedSigned)
        {
            var tamperedAmount = request.TamperedAmount ?? amount * 10;
            if (request.TamperedAmount is not null && tamperedAmount == amount)
            {
                errors["tamperedAmount"] = ["tamperedAmount must differ from amount, or nothing signed would change"];
            }

            tampering = new PostbackTampering(SignedAmount: tamperedAmount);
        }

        if (errors.Count > 0)
        {
            return new(null, 0, errors);
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
            TransactionId = transactionId!,
            TransactionType = 0,
            PluginCustomOrderId = customTransactionId,
            Comment = request.Comment ?? "",
        };
        return new(factory.Build(kind, PostbackSource.Control, draft, encoding, tampering), 1, errors);
    }

    private Outcome Withdrawal(PostbackTriggerRequest request, Dictionary<string, string[]> errors)
    {
        var amount = Amount(request.Amount, "amount", errors, "(a withdrawal has no proof to take it from)");
        var label = Label(request.Label ?? DefaultWithdrawalLabel, errors, "");
        var transactionId = TransactionId(request.TransactionId, errors);
        var encoding = Encoding(request.Encoding, errors);
        var activated = Activated(request.ActivatedAt, null, errors);
        if (request.WithdrawalId is <= 0)
        {
            errors["withdrawalId"] = ["withdrawalId must be greater than 0"];
        }

        if (request.WithdrawalStatus is < 0)
        {
            errors["withdrawalStatus"] = ["withdrawalStatus must be 0 or more (1 = paid, 5 = cancelled, as integrations read them)"];
        }

        if (request.AccountNumber is { Length: > FieldRules.MaxTextLength })
        {
            errors["accountNumber"] = [$"accountNumber must be at most {FieldRules.MaxTextLength} characters"];
        }

        if (errors.Count > 0)
        {
            return new(null, 0, errors);
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
            TransactionId = transactionId!,
            TransactionType = 1,
            PluginCustomOrderId = null,
            WithdrawalId = request.WithdrawalId ?? Random.Shared.Next(1_000, 1_000_000),
            WithdrawalStatus = request.WithdrawalStatus ?? 1,
            AccountNumber = request.AccountNumber ?? DefaultAccountNumber,
            Comment = request.Comment ?? "",
        };
        return new(factory.Build(PostbackKind.Withdrawal, PostbackSource.Control, draft, encoding), 1, errors);
    }

    private ReceivedProof? AcceptedProof(string customTransactionId) =>
        proofs.Find(customTransactionId) is { Outcome: ProofOutcome.Accepted } proof ? proof : null;

    private static long Amount(long? amount, string field, Dictionary<string, string[]> errors, string whyRequired)
    {
        switch (amount)
        {
            case null:
                errors[field] = [$"{field} is required {whyRequired}".TrimEnd()];
                return 0;
            case <= 0:
                errors[field] = [$"{field} must be greater than 0"];
                return 0;
            case > MaxAmount:
                errors[field] = [$"{field} must be at most {MaxAmount}"];
                return 0;
            default:
                return amount.Value;
        }
    }

    private static string? Label(string? label, Dictionary<string, string[]> errors, string whyRequired)
    {
        var problem = label is null
            ? $"label is required {whyRequired}".TrimEnd()
            : FieldRules.CheckText("label", label, FieldRules.MaxTextLength);
        if (problem is not null)
        {
            errors["label"] = [problem];
        }

        return label;
    }

    private static string? TransactionId(string? transactionId, Dictionary<string, string[]> errors)
    {
        if (transactionId is null)
        {
            return GatewayIds.NewTransactionId();
        }

        if (!GatewayIds.IsTransactionId(transactionId))
        {
            errors["transactionId"] = ["transactionId must be exactly 12 digits (0-9)"];
        }

        return transactionId;
    }

    private PostbackWireEncoding Encoding(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return options.Value.WireEncoding;
        }

        if (!PostbackWireEncodings.TryParse(text, out var encoding))
        {
            errors["encoding"] = [$"encoding must be one of: {PostbackWireEncodings.Names}"];
        }

        return encoding;
    }

    /// <summary>
    /// Gateway text (<c>2026-01-27 09:32:01</c>, taken as it is) or an instant with an offset, written in the
    /// account's zone. Default: when the proof came in, else now.
    /// </summary>
    private string Activated(string? text, DateTimeOffset? proofReceivedAt, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return factory.Clock.ToGatewayText(proofReceivedAt ?? time.GetUtcNow());
        }

        if (DateTime.TryParseExact(text, GatewayTimeZone.DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return text;
        }

        if (text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal)))
        {
            return factory.Clock.ToGatewayText(instant);
        }

        errors["activatedAt"] = [$"activatedAt must be '{GatewayTimeZone.DateTimeFormat}' (in Sandbox:TimeZone) or an ISO 8601 instant with an offset, e.g. 2026-01-27T01:32:01Z"];
        return "";
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
