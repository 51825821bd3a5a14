using System.Text;
using System.Text.Json;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>CreateWithdrawalTests' invalid fields and its readers of the sandbox.</summary>
public sealed partial class CreateWithdrawalTests
{
    public static TheoryData<string, string, string> InvalidFields => new()
    {
        { """{"-":"withdrawal_id"}""", "withdrawal_id", "The withdrawal id field is required." },
        { """{"withdrawal_id":"   "}""", "withdrawal_id", "The withdrawal id field is required." },
        { """{"withdrawal_id":"0123456789012345678901234567890123456"}""", "withdrawal_id", "The withdrawal id must not be greater than 36 characters." },
        { """{"withdrawal_id":42}""", "withdrawal_id", "The withdrawal id must be a string." },
        { """{"payment_system":"paytm"}""", "payment_system", "The selected payment system is invalid (this account pays out with sinpemovil only)." },
        { """{"-":"payment_system"}""", "payment_system", "The payment system field is required." },
        { """{"amount":"1020"}""", "amount", "The amount must be an integer." },
        { """{"amount":10.5}""", "amount", "The amount must be an integer." },
        { """{"amount":100.0}""", "amount", "The amount must be an integer." },
        { """{"amount":0}""", "amount", "The amount must be greater than 0." },
        { """{"amount":-5}""", "amount", "The amount must be greater than 0." },
        { """{"amount":null}""", "amount", "The amount field is required." },
        { """{"currency_code":"INR"}""", "currency_code", "The selected currency code is invalid (this account pays out in BTN only)." },
        { """{"currency_code":"BT"}""", "currency_code", "The currency code must be 3 characters." },
        { """{"is_test":"yes"}""", "is_test", "The is test field must be true or false." },
        { """{"is_test":1}""", "is_test", "The is test field must be true or false." },
        { """{"label":""}""", "label", "The label field is required." },
        { """{"label":"0123456789012345678901234567890123456"}""", "label", "The label must not be greater than 36 characters." },
        { """{"account_number":"12-34"}""", "account_number", "The account number must contain digits only." },
        { """{"account_number":"١٢٣"}""", "account_number", "The account number must contain digits only." },
        { """{"account_number":88123456}""", "account_number", "The account number must be a string." },
        { """{"account_name":"Dorji1"}""", "account_name", "The account name format is invalid (1 to 30 Latin letters and spaces)." },
        { """{"account_name":"Dorjé"}""", "account_name", "The account name format is invalid (1 to 30 Latin letters and spaces)." },
        { """{"account_name":"abcdefghijklmnopqrstuvwxyzabcde"}""", "account_name", "The account name format is invalid (1 to 30 Latin letters and spaces)." },
        { """{"account_name":"Dorji\u00a0Wangmo"}""", "account_name", "The account name format is invalid (1 to 30 Latin letters and spaces)." },
        { """{"bank_details":"BNB"}""", "bank_details", "The bank details must be an object." },
        { """{"bank_details":["BNB"]}""", "bank_details", "The bank details must be an object." },
        { """{"bank_details":{"bank_code":5}}""", "bank_details.bank_code", "The bank_details.bank_code must be a string." },
    };

    internal static async Task<JsonElement[]> RequestsAsync(TestSandbox sandbox)
    {
        using var document = JsonDocument.Parse(await sandbox.Http.GetStringAsync("/sandbox/withdrawal-requests"));
        return document.RootElement.EnumerateArray().Select(request => request.Clone()).ToArray();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

internal static class TestExtensions
{
    public static T Also<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
