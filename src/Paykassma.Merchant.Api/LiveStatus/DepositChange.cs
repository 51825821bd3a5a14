using Paykassma.Merchant.Api.Deposits;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// One change of a deposit's visible state (status, confirmed amount, mismatch flag), written by the
/// database trigger on <c>deposits</c> in the changing transaction (ADR 0018), never by the service.
/// Its id is the Server-Sent Events id of the deposit's live status stream.
/// </summary>
public sealed class DepositChange
{
    public long Id { get; init; }

    public Guid DepositId { get; init; }

    public DepositStatus Status { get; init; }

    public decimal? ConfirmedAmount { get; init; }

    public bool AmountMismatch { get; init; }

    /// <summary>The deposit's <c>updated_at</c> as the change wrote it.</summary>
    public DateTimeOffset At { get; init; }
}
