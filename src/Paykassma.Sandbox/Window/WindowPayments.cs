using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Gateway;
using Paykassma.Sandbox.Postbacks;

namespace Paykassma.Sandbox.Window;

/// <summary>A payment the user reported in the window: what its postback carries.</summary>
public sealed record WindowPayment(
    string Label,
    long Amount,
    string CurrencyCode,
    string WalletType,
    string CustomTransactionId,
    string TransactionId,
    DateTimeOffset PaidAt,
    long PostbackId);

/// <summary>
/// The payments reported through the window, one per custom_transaction_id: a second click on "I have
/// paid" (or a reload of the form) finds the first and sends nothing more. Each payment's postback goes
/// through the outbox like a proof's, a moment later, resent until the merchant answers ok.
/// </summary>
internal sealed class WindowPayments(
    PostbackFactory factory,
    PostbackOutbox outbox,
    IOptions<PostbackOptions> options,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, WindowPayment> _byCustomTransactionId = new(StringComparer.Ordinal);
    private readonly Lock _reporting = new();

    public WindowPayment? Find(string customTransactionId) => _byCustomTransactionId.GetValueOrDefault(customTransactionId);

    /// <returns>The payment and whether this call reported it (false: it was reported before, nothing sent).</returns>
    public (WindowPayment Payment, bool New) Report(WindowRequest window, long amount, SandboxOptions sandbox)
    {
        // One lock: the check, the postback's build and the record belong together, and clicks are rare.
        lock (_reporting)
        {
            if (_byCustomTransactionId.TryGetValue(window.CustomTransactionIdValue, out var earlier))
            {
                return (earlier, false);
            }

            var paidAt = time.GetUtcNow();
            var transactionId = GatewayIds.NewTransactionId();
            var record = factory.ForWindowPayment(window.LabelValue, amount, sandbox.Currency, sandbox.WalletType,
                window.CustomTransactionIdValue, transactionId, paidAt);
            var payment = new WindowPayment(window.LabelValue, amount, sandbox.Currency, sandbox.WalletType,
                window.CustomTransactionIdValue, transactionId, paidAt, record.Facts.Id);
            _byCustomTransactionId[payment.CustomTransactionId] = payment;
            outbox.SendLater(record, options.Value.Delay);
            return (payment, true);
        }
    }
}
