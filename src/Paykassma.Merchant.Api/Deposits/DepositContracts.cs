using System.Text.Json;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>Starts a deposit. The amount is optional: the user may not know it yet.</summary>
/// <param name="Amount">Whole BTN the user intends to pay.</param>
public sealed record CreateDepositRequest(int? Amount = null);

/// <summary>Starts a deposit paid through the gateway's payment window.</summary>
/// <param name="Amount">Whole BTN; when given, the window fixes it (<c>fixed_amount</c>) and the user cannot change it.</param>
/// <param name="Lang">The window's language: 2 to 5 ASCII letters or hyphens, a letter first (default <c>en</c>).</param>
public sealed record CreateWindowDepositRequest(int? Amount = null, string? Lang = null);

/// <summary>
/// A payment window deposit and where to send the user. Its requisites are empty (all null, no other
/// params): the window shows them, the gateway gave us none.
/// </summary>
/// <param name="WindowUrl">The gateway's window for this deposit, to open or embed (an iframe, as the gateway's pages do).</param>
public sealed record WindowDepositResponse(DepositResponse Deposit, string WindowUrl);

/// <summary>Where to pay: the gateway's requisites, the two known ones mapped, the rest kept.</summary>
public sealed record RequisitesResponse(
    string? WalletNumber,
    string? AccountName,
    bool? IsCheckAmount,
    IReadOnlyDictionary<string, JsonElement> OtherParams);

/// <param name="ConfirmedAmount">The sum of the gateway's signed transactions for this deposit: what was credited.</param>
/// <param name="AmountMismatch">The signed amount differs from what the user claimed in their proof(s) (a window deposit: from its fixed amount).</param>
/// <param name="AmountDiffers">Confirmed for another total than <c>amount</c>, the amount asked for at creation (false when none was asked).</param>
public sealed record DepositResponse(
    Guid Id,
    DepositStatus Status,
    int? Amount,
    string Currency,
    string WalletType,
    RequisitesResponse Requisites,
    decimal? ConfirmedAmount,
    bool AmountMismatch,
    bool AmountDiffers,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? ExpiredAt,
    bool ConfirmedAfterExpiry,
    IReadOnlyList<ProofResponse> Proofs)
{
    public static DepositResponse From(Deposit deposit, IEnumerable<Proof> proofs)
    {
        using var parameters = JsonDocument.Parse(deposit.GatewayParams);
        var other = DepositRequisites.FromParams(parameters.RootElement)?.OtherParams
                    ?? new Dictionary<string, JsonElement>();
        return new DepositResponse(
            deposit.Id,
            deposit.Status,
            deposit.Amount,
            deposit.Currency,
            deposit.WalletType,
            new RequisitesResponse(deposit.WalletNumber, deposit.AccountName, deposit.IsCheckAmount, other),
            deposit.ConfirmedAmount,
            deposit.AmountMismatch,
            deposit.AmountDiffers,
            deposit.CreatedAt,
            deposit.UpdatedAt,
            deposit.ConfirmedAt,
            deposit.ExpiredAt,
            deposit.ConfirmedAfterExpiry,
            proofs.Select(ProofResponse.From).ToList());
    }
}

public sealed record DepositPage(IReadOnlyList<DepositResponse> Items, int Page, int PageSize, int Total);
