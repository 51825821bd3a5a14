using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

/// <summary>
/// Postbacks signed by real PHP (tests/php-crosscheck/generate.php): the legacy format, which the shared
/// vectors lack, and current-format postbacks with random signed content.
/// </summary>
public sealed class PhpGeneratedPostbackTests
{
    private static readonly IReadOnlyDictionary<string, SignedPostbackCase> Cases = SignedPostbackCase.LoadAll("php-postbacks.json");

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Fact]
    public void Fixture_has_legacy_and_forged_cases()
    {
        Assert.Contains(Cases.Values, c => c.Format == "legacy" && c.Valid);
        Assert.Contains(Cases.Values, c => c.Format == "legacy" && !c.Valid);
        Assert.Contains(Cases.Values, c => c.Format == "current");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_is_classified_as_its_valid_flag_says(string name)
    {
        var vector = Cases[name];
        var postback = PostbackVectorTests.ParseOrFail(vector.Body);

        var verification = new PostbackVerifier(vector.AccessKey, vector.PrivateKey).Verify(postback);

        Assert.Equal(vector.Valid, verification.IsVerified);
        if (!vector.Valid)
        {
            Assert.Equal(PostbackRejectReasons.BadSignature, verification.RejectReason);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Signed_list_and_each_item_are_re_encoded_as_PHP_signed_them(string name)
    {
        var vector = Cases[name];

        var postback = PostbackVectorTests.ParseOrFail(vector.Body);

        Utf8Assert.Equal(vector.SignedJson, postback.SignedJson.Span);
        Assert.Equal(vector.ExpectedTransactions.Count, postback.Transactions.Length);
        foreach (var (expected, actual) in vector.ExpectedTransactions.Zip(postback.Transactions))
        {
            Utf8Assert.Equal(expected.Json, actual.Json.Span);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Format_and_transaction_fields_are_read(string name)
    {
        var vector = Cases[name];

        var postback = PostbackVectorTests.ParseOrFail(vector.Body);

        Assert.Equal(vector.Format == "legacy" ? PostbackFormat.Legacy : PostbackFormat.Current, postback.Format);
        foreach (var (expected, actual) in vector.ExpectedTransactions.Zip(postback.Transactions))
        {
            Assert.Equal(expected.TransactionId, actual.TransactionId);
            Assert.Equal(expected.AmountText, actual.AmountText);
            Assert.NotNull(actual.Amount);
            Assert.Equal(expected.CustomOrderId, actual.CustomOrderId);
            Assert.Equal("BTN", actual.CurrencyCode);
            Assert.Equal("bnb_ml", actual.WalletType);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", actual.CreatedDateTime ?? actual.ActivatedDateTime);
            Assert.NotNull(actual.TransactionType);
        }
    }

    [Fact]
    public void Legacy_envelope_values_are_exposed_as_unsigned()
    {
        var postback = PostbackVectorTests.ParseOrFail(Cases["legacy-00/php_default"].Body);

        Assert.Equal("labeluser0", postback.Unsigned.Label);
        Assert.NotNull(postback.Unsigned.Stockpiling);
        Assert.NotNull(postback.Unsigned.StockpilingId);
        Assert.Null(postback.Unsigned.Direction);
    }
}
