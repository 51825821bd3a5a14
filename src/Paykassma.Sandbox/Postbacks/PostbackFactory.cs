using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Paykassma.PluginApi;
using Paykassma.Sandbox.Proofs;
using Paykassma.Sandbox.Withdrawals;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>What the tampering kinds change after signing; everything else is sent as signed.</summary>
/// <param name="TopLevelAmount">Replaces the unsigned top-level <c>amount</c> (kind tampered).</param>
/// <param name="TopLevelLabel">Replaces the unsigned top-level <c>label</c> (kind tampered).</param>
/// <param name="SignedAmount">Replaces the amount inside additional_data, and the top-level one to match (kind tampered_signed).</param>
internal sealed record PostbackTampering(long? TopLevelAmount = null, string? TopLevelLabel = null, long? SignedAmount = null);

/// <summary>
/// Turns what happened (a proof accepted, a control request) into signed postbacks with the gateway's ids
/// and times. It builds; <see cref="PostbackOutbox"/> sends.
/// </summary>
internal sealed partial class PostbackFactory
{
    private readonly PostbackStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<PostbackFactory> _logger;
    private readonly PostbackOptions _options;
    private readonly string _accessKey;
    private readonly string _privateKey;
    private long _lastStockpilingId;

    public PostbackFactory(IOptions<PostbackOptions> options, PostbackStore store, TimeProvider time, ILogger<PostbackFactory> logger)
    {
        _options = options.Value;
        _store = store;
        _time = time;
        _logger = logger;
        // Without a PostbackUrl the keys are optional: postbacks are then only listed, signed with empty keys.
        _accessKey = _options.PostbackAccessKey ?? "";
        _privateKey = _options.PostbackPrivateKey ?? "";
        Clock = GatewayTimeZone.TryParse(_options.TimeZone, out var clock)
            ? clock
            : throw new OptionsValidationException(nameof(PostbackOptions), typeof(PostbackOptions), ["Sandbox:TimeZone is invalid."]);
        // Somewhere in the middle of the range, like an account that has been running for a while.
        _lastStockpilingId = Random.Shared.Next(10_000, 90_000);
    }

    public GatewayTimeZone Clock { get; }

    public long NextStockpilingId() => Interlocked.Increment(ref _lastStockpilingId);

    /// <summary>
    /// The postback that follows an accepted proof. It is activated when the proof came in and created a
    /// delay later, when the gateway matched the payment; amount and label are the proof's.
    /// </summary>
    public PostbackRecord ForAcceptedProof(ReceivedProof proof) =>
        Ingoing(PostbackSource.Proof, proof.Label, proof.Amount, proof.CurrencyCode, proof.WalletType, proof.CustomTransactionId,
            proof.TransactionId ?? throw new ArgumentException("Only an accepted proof has a transaction id.", nameof(proof)),
            proof.ReceivedAt);

    /// <summary>
    /// The postback that follows a payment reported in the payment window: the window's
    /// custom_transaction_id, label and amount, a fresh transaction id. Activated when the user reported
    /// it and created a delay later, as for a proof.
    /// </summary>
    public PostbackRecord ForWindowPayment(
        string label, long amount, string currencyCode, string walletType, string customTransactionId, string transactionId, DateTimeOffset paidAt) =>
        Ingoing(PostbackSource.Window, label, amount, currencyCode, walletType, customTransactionId, transactionId, paidAt);

    private PostbackRecord Ingoing(
        PostbackSource source, string label, long amount, string currencyCode, string walletType, string customTransactionId,
        string transactionId, DateTimeOffset activatedAt)
    {
        var draft = new PostbackDraft
        {
            Direction = PostbackDraft.Ingoing,
            Amount = amount,
            CurrencyCode = currencyCode,
            WalletType = walletType,
            Label = label,
            ActivatedDateTime = Clock.ToGatewayText(activatedAt),
            CreatedDateTime = Clock.ToGatewayText(activatedAt + _options.Delay),
            StockpilingId = NextStockpilingId(),
            TransactionId = transactionId,
            TransactionType = 0,
            PluginCustomOrderId = customTransactionId,
        };
        return Build(PostbackKind.Transaction, source, draft, _options.WireEncoding);
    }

    /// <summary>
    /// The outgoing postback that reports a withdrawal's status: the merchant's withdrawal_id and the status,
    /// with <paramref name="transactionId"/> (null: none). Activated and created when the status was reached.
    /// </summary>
    public PostbackRecord ForWithdrawal(
        ReceivedWithdrawal withdrawal, int status, string? transactionId, DateTimeOffset settledAt, PostbackSource source)
    {
        var draft = new PostbackDraft
        {
            Direction = PostbackDraft.Outgoing,
            Amount = withdrawal.Amount,
            CurrencyCode = withdrawal.CurrencyCode,
            // The payout method is the wallet type of an outgoing transaction.
            WalletType = withdrawal.PaymentSystem,
            Label = withdrawal.Label,
            ActivatedDateTime = Clock.ToGatewayText(settledAt),
            CreatedDateTime = Clock.ToGatewayText(settledAt),
            StockpilingId = NextStockpilingId(),
            TransactionId = transactionId,
            TransactionType = 1,
            WithdrawalId = JsonValue.Create(withdrawal.WithdrawalId),
            WithdrawalStatus = status,
            AccountNumber = withdrawal.AccountNumber,
            AccountName = withdrawal.AccountName,
            BankDetails = withdrawal.BankDetails,
        };
        return Build(PostbackKind.Withdrawal, source, draft, _options.WireEncoding);
    }

    public PostbackRecord Build(
        PostbackKind kind, PostbackSource source, PostbackDraft draft, PostbackWireEncoding encoding, PostbackTampering? tampering = null)
    {
        var body = GatewayPostback.Create(draft, _accessKey);
        // A fresh random key per forgery: whatever the receiver's key is, this one is not it.
        var privateKey = kind == PostbackKind.Forged ? $"forged-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}" : _privateKey;
        var signature = GatewayPostback.Sign(body, _accessKey, privateKey);

        var (amount, label, signedAmount) = (draft.Amount, draft.Label, draft.Amount);
        if (kind == PostbackKind.Tampered)
        {
            amount = tampering?.TopLevelAmount ?? amount;
            label = tampering?.TopLevelLabel ?? label;
        }
        else if (kind == PostbackKind.TamperedSigned)
        {
            signedAmount = tampering?.SignedAmount ?? draft.Amount * 10;
            amount = signedAmount;
            ((JsonObject)body["additional_data"]![0]!)["amount"] = signedAmount.ToString(CultureInfo.InvariantCulture);
        }

        // Set in place: a JsonObject keeps a replaced key where it was, so only the value differs from what was signed.
        body["amount"] = amount;
        body["label"] = label;

        var facts = new PostbackFacts
        {
            Id = _store.NextId(),
            Kind = kind,
            Source = source,
            CreatedAt = _time.GetUtcNow(),
            Direction = draft.Direction,
            CustomTransactionId = draft.PluginCustomOrderId,
            TransactionId = draft.TransactionId,
            Label = label,
            Amount = amount,
            SignedAmount = signedAmount.ToString(CultureInfo.InvariantCulture),
            WithdrawalId = WithdrawalIdText(draft.WithdrawalId),
            WithdrawalStatus = draft.WithdrawalStatus,
            GenuineSignature = kind is not (PostbackKind.Forged or PostbackKind.TamperedSigned),
            Encoding = encoding,
        };
        return Logged(new PostbackRecord { Facts = facts, Signature = signature, Body = GatewayPostback.Encode(body, encoding) });
    }

    /// <summary>The same bytes again under a new id, as the gateway's redelivery of a postback it thinks was lost.</summary>
    public PostbackRecord Duplicate(PostbackRecord original)
    {
        var facts = original.Facts with
        {
            Id = _store.NextId(),
            Kind = PostbackKind.Duplicate,
            Source = PostbackSource.Control,
            CreatedAt = _time.GetUtcNow(),
            DuplicateOf = original.Facts.Id,
        };
        return Logged(new PostbackRecord { Facts = facts, Signature = original.Signature, Body = original.Body });
    }

    private static string? WithdrawalIdText(JsonNode? id) => id switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => id.ToJsonString(),
    };

    private PostbackRecord Logged(PostbackRecord record)
    {
        var facts = record.Facts;
        if (facts.WithdrawalId is null)
        {
            LogBuilt(_logger, facts.Id, facts.Kind, facts.Direction, facts.CustomTransactionId, facts.TransactionId, facts.Amount);
        }
        else
        {
            LogBuiltWithdrawal(_logger, facts.Id, facts.Kind, facts.WithdrawalId, facts.WithdrawalStatus, facts.TransactionId, facts.Amount);
        }

        return record;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Postback {PostbackId} ({Kind}, {Direction}) built: custom_transaction_id {CustomTransactionId}, transaction_id {TransactionId}, amount {Amount}")]
    private static partial void LogBuilt(
        ILogger logger, long postbackId, PostbackKind kind, string direction, string? customTransactionId, string? transactionId, long amount);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Postback {PostbackId} ({Kind}, outgoing) built: withdrawal_id {WithdrawalId}, withdrawal_status {WithdrawalStatus}, transaction_id {TransactionId}, amount {Amount}")]
    private static partial void LogBuiltWithdrawal(
        ILogger logger, long postbackId, PostbackKind kind, string withdrawalId, int? withdrawalStatus, string? transactionId, long amount);
}
