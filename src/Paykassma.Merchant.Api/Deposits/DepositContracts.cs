using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>Starts a deposit. The amount is optional: the user may not know it yet.</summary>
/// <param name="Amount">Whole BTN the user intends to pay.</param>
public sealed record CreateDepositRequest([property: Range(1, int.MaxValue)] int? Amount);

/// <summary>Where to pay: the gateway's requisites, the two known ones mapped, the rest kept.</summary>
public sealed record RequisitesResponse(
    string? WalletNumber,
    string? AccountName,
    bool? IsCheckAmount,
    IReadOnlyDictionary<string, JsonElement> OtherParams);

public sealed record DepositResponse(
    Guid Id,
    DepositStatus Status,
    int? Amount,
    string Currency,
    string WalletType,
    RequisitesResponse Requisites,
    decimal? ConfirmedAmount,
    bool AmountMismatch,
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
            deposit.CreatedAt,
            deposit.UpdatedAt,
            deposit.ConfirmedAt,
            deposit.ExpiredAt,
            deposit.ConfirmedAfterExpiry,
            proofs.Select(ProofResponse.From).ToList());
    }
}

public sealed record DepositPage(IReadOnlyList<DepositResponse> Items, int Page, int PageSize, int Total);
