using System.Globalization;
using System.Text;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

public sealed class PostbackParserTests
{
    private static readonly IReadOnlyDictionary<string, SignedPostbackCase> Vectors = SignedPostbackCase.LoadAll("postback-vectors.json");

    [Fact]
    public void Deposit_example_is_read_into_signed_items_and_an_unsigned_envelope()
    {
        var postback = PostbackVectorTests.ParseOrFail(Vectors["seed-example/pretty"].Body);

        Assert.Equal(PostbackFormat.Current, postback.Format);
        Assert.Equal("c97b48a87f9b5b1fdf5412f71c2058a68080d33e", postback.Signature);
        Assert.Equal("uowkn0b3LfBxpcWYHi4_", postback.AccessKey);
        Assert.Equal(
            new UnsignedPostbackEnvelope
            {
                Direction = "ingoing",
                AmountText = "300",
                CurrencyCode = "BTN",
                Label = "labeluser",
                WalletType = "bnb_ml",
                CreatedDateTime = "2026-01-27 09:32:02",
            },
            postback.Unsigned);

        var transaction = Assert.Single(postback.Transactions);
        Assert.Equal("293397556789", transaction.TransactionId);
        Assert.Equal("300", transaction.AmountText);
        Assert.Equal(300m, transaction.Amount);
        Assert.Equal("BTN", transaction.CurrencyCode);
        Assert.Equal("bnb_ml", transaction.WalletType);
        Assert.Equal("custom12345", transaction.CustomOrderId);
        Assert.Equal("2026-01-27 09:32:01", transaction.ActivatedDateTime);
        Assert.Null(transaction.CreatedDateTime);
        Assert.Equal(0, transaction.TransactionType);
        Assert.Null(transaction.WithdrawalId);
        Assert.Null(transaction.WithdrawalStatus);
        Assert.Equal("", transaction.AccountNumber);
        Assert.Equal(postback.SignedJson.Span[1..^1].ToArray(), transaction.Json.ToArray());
    }

    [Fact]
    public void Withdrawal_items_carry_their_id_and_status()
    {
        var postback = PostbackVectorTests.ParseOrFail(Vectors["withdrawal/php_default"].Body);

        Assert.Equal("outgoing", postback.Unsigned.Direction);
        var transaction = Assert.Single(postback.Transactions);
        Assert.NotNull(transaction.WithdrawalId);
        Assert.NotNull(transaction.WithdrawalStatus);
    }

    [Fact]
    public void Numbers_keep_their_raw_text()
    {
        var postback = PostbackVectorTests.ParseOrFail(Vectors["numbers-and-nulls/unescaped"].Body);

        var transaction = Assert.Single(postback.Transactions);
        Assert.Equal("300.5", transaction.AmountText);
        Assert.Equal(300.5m, transaction.Amount);
        Assert.Equal(-1, transaction.TransactionType);
    }

    [Fact]
    public void Two_transactions_keep_their_order_and_own_bytes()
    {
        var postback = PostbackVectorTests.ParseOrFail(Vectors["two-transactions/pretty"].Body);

        Assert.Equal(2, postback.Transactions.Length);
        var joined = "[" + string.Join(",", postback.Transactions.Select(t => Encoding.UTF8.GetString(t.Json.Span))) + "]";
        Assert.Equal(Encoding.UTF8.GetString(postback.SignedJson.Span), joined);
    }

    [Fact]
    public void Unexpected_value_types_become_null_instead_of_failing()
    {
        var postback = Parse("""
            {"label":{"x":1},"amount":[1],"additional_data":[{"transaction_id":12345678901234567890,
             "amount":{"v":1},"currency_code":7,"transaction_type":"1","withdrawal_status":1.5,
             "withdrawal_id":99,"plugin_custom_order_id":null,"custom_id":"legacy-id","account_number":false}]}
            """).Postback!;

        Assert.Null(postback.Unsigned.Label);
        Assert.Null(postback.Unsigned.AmountText);
        Assert.Null(postback.Signature);
        Assert.Null(postback.AccessKey);
        var transaction = Assert.Single(postback.Transactions);
        Assert.Equal("12345678901234567890", transaction.TransactionId);
        Assert.Null(transaction.AmountText);
        Assert.Null(transaction.Amount);
        Assert.Equal("7", transaction.CurrencyCode);
        Assert.Equal(1, transaction.TransactionType);
        Assert.Null(transaction.WithdrawalStatus);
        Assert.Equal("99", transaction.WithdrawalId);
        Assert.Equal("legacy-id", transaction.CustomOrderId);
        Assert.Null(transaction.AccountNumber);
    }

    [Theory]
    [InlineData("\"300\"", "300")]
    [InlineData("\"300.50\"", "300.50")]
    [InlineData("1.0e+3", "1000")]
    [InlineData("-1", "-1")]
    [InlineData("\" 300\"", null)]
    [InlineData("\"300,5\"", null)]
    [InlineData("\"\"", null)]
    [InlineData("1e999999", null)]
    [InlineData("null", null)]
    public void Amount_is_parsed_with_the_invariant_culture_or_left_null(string amountJson, string? expected)
    {
        var postback = Parse($$"""{"additional_data":[{"transaction_id":"1","amount":{{amountJson}}}]}""").Postback!;

        Assert.Equal(expected is null ? null : decimal.Parse(expected, CultureInfo.InvariantCulture), postback.Transactions[0].Amount);
    }

    [Fact]
    public void Legacy_format_reads_transactions_and_custom_id()
    {
        var postback = Parse("""
            {"access_key":"ak","label":"u1","stockpiling":1,"stockpiling_id":777,"signature":"s",
             "transactions":[{"amount":"50","currency_code":"BTN","wallet_type":"bnb_ml","transaction_id":"t1",
             "transaction_type":0,"created_datetime":"2026-01-01 10:00:00","activated_datetime":"2026-01-01 10:05:00","custom_id":"c1"}]}
            """).Postback!;

        Assert.Equal(PostbackFormat.Legacy, postback.Format);
        Assert.Equal("1", postback.Unsigned.Stockpiling);
        Assert.Equal("777", postback.Unsigned.StockpilingId);
        var transaction = Assert.Single(postback.Transactions);
        Assert.Equal("c1", transaction.CustomOrderId);
        Assert.Equal("2026-01-01 10:00:00", transaction.CreatedDateTime);
        Assert.Equal("2026-01-01 10:05:00", transaction.ActivatedDateTime);
    }

    [Fact]
    public void Current_format_wins_when_both_lists_are_present()
    {
        var postback = Parse("""{"transactions":[{"transaction_id":"legacy"}],"additional_data":[{"transaction_id":"current"}]}""").Postback!;

        Assert.Equal(PostbackFormat.Current, postback.Format);
        Assert.Equal("current", Assert.Single(postback.Transactions).TransactionId);
    }

    [Fact]
    public void Converted_amount_is_kept_as_compact_json()
    {
        var postback = Parse("""{"converted_amount": {"USD" : 3.6, "BTN":300},"additional_data":[]}""").Postback!;

        Assert.Equal("""{"USD":3.6,"BTN":300}""", postback.Unsigned.ConvertedAmountJson);
    }

    [Fact]
    public void An_empty_signed_list_parses_and_leaves_the_decision_to_the_caller()
    {
        var postback = Parse("""{"signature":"s","additional_data":[]}""").Postback!;

        Assert.Empty(postback.Transactions);
        Assert.Equal("[]", Encoding.UTF8.GetString(postback.SignedJson.Span));
    }

    [Fact]
    public void A_leading_byte_order_mark_is_skipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Vectors["seed-example/unescaped"].Body)];

        Assert.True(PostbackParser.Parse(body).IsSuccess);
    }

    [Theory]
    [InlineData("", PostbackParseReasons.NotJson)]
    [InlineData("   ", PostbackParseReasons.NotJson)]
    [InlineData("{", PostbackParseReasons.NotJson)]
    [InlineData("{\"additional_data\":[]} trailing", PostbackParseReasons.NotJson)]
    [InlineData("{'additional_data':[]}", PostbackParseReasons.NotJson)]
    [InlineData("[]", PostbackParseReasons.NotAnObject)]
    [InlineData("\"text\"", PostbackParseReasons.NotAnObject)]
    [InlineData("300", PostbackParseReasons.NotAnObject)]
    [InlineData("null", PostbackParseReasons.NotAnObject)]
    [InlineData("{}", PostbackParseReasons.NoSignedData)]
    [InlineData("{\"signature\":\"s\",\"access_key\":\"k\"}", PostbackParseReasons.NoSignedData)]
    [InlineData("{\"additional_data\":[{\"transaction_id\":\"1\",\"comment\":\"\\ud800\"}]}", PostbackParseReasons.InvalidString)]
    [InlineData("{\"additional_data\":[{\"transaction_id\":\"1\",\"\\udc00\":1}]}", PostbackParseReasons.InvalidString)]
    [InlineData("{\"signature\":\"\\ud800\",\"additional_data\":[]}", PostbackParseReasons.InvalidString)]
    [InlineData("{\"access_key\":\"a\\udbff\",\"additional_data\":[]}", PostbackParseReasons.InvalidString)]
    [InlineData("{\"converted_amount\":{\"\\ud800\":1},\"additional_data\":[]}", PostbackParseReasons.InvalidString)]
    [InlineData("{\"signature\":\"a\",\"signature\":\"b\",\"additional_data\":[]}", PostbackParseReasons.DuplicateKey)]
    [InlineData("{\"additional_data\":[{\"transaction_id\":\"1\",\"amount\":1,\"amount\":2}]}", PostbackParseReasons.DuplicateKey)]
    public void Bodies_that_are_not_postbacks_fail_with_a_stable_reason(string body, string reason)
    {
        var result = Parse(body);

        Assert.False(result.IsSuccess);
        Assert.Equal(reason, result.Failure.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
    }

    /// <summary>
    /// The gateway signs a PHP collection as it is: a filtered one is an object keyed by index, and a
    /// genuine postback is never refused for its shape. Whatever arrived is encoded as it arrived.
    /// </summary>
    [Theory]
    [InlineData("{\"additional_data\":{}}", "{}", 0)]
    [InlineData("{\"additional_data\":[]}", "[]", 0)]
    [InlineData("{\"additional_data\":null}", "null", 1)]
    [InlineData("{\"transactions\":\"[]\"}", "\"[]\"", 1)]
    [InlineData("{\"additional_data\":[1]}", "[1]", 1)]
    [InlineData("{\"additional_data\":[{\"transaction_id\":\"1\"},[]]}", "[{\"transaction_id\":\"1\"},[]]", 2)]
    [InlineData("{\"additional_data\":{\"1\":{\"transaction_id\":\"7\"},\"3\":{\"transaction_id\":\"9\",\"comment\":\"a\\/b\"}}}",
        "{\"1\":{\"transaction_id\":\"7\"},\"3\":{\"transaction_id\":\"9\",\"comment\":\"a/b\"}}", 2)]
    public void Any_signed_shape_is_read_as_it_arrived(string body, string signed, int items)
    {
        var result = Parse(body);

        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(signed, Encoding.UTF8.GetString(result.Postback!.SignedJson.Span));
        Assert.Equal(items, result.Postback!.Transactions.Length);
    }

    [Fact]
    public void An_object_keyed_by_index_yields_its_values_as_items_each_with_its_own_signed_bytes()
    {
        var result = Parse("{\"additional_data\":{\"1\":{\"transaction_id\":\"7\",\"amount\":\"300\"},\"3\":{\"transaction_id\":9}}}");

        Assert.Equal(["7", "9"], result.Postback!.Transactions.Select(t => t.TransactionId));
        Assert.Equal("{\"transaction_id\":\"7\",\"amount\":\"300\"}", Encoding.UTF8.GetString(result.Postback!.Transactions[0].Json.Span));
        Assert.Equal("{\"transaction_id\":9}", Encoding.UTF8.GetString(result.Postback!.Transactions[1].Json.Span));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"transaction_id\":\"\"}")]
    [InlineData("{\"transaction_id\":null}")]
    [InlineData("{\"transaction_id\":{\"id\":1}}")]
    public void An_item_without_a_usable_transaction_id_is_read_not_refused(string item)
    {
        var result = Parse($"{{\"additional_data\":[{{\"transaction_id\":\"1\"}},{item}]}}");

        Assert.True(result.IsSuccess, result.Failure?.Message);
        var odd = result.Postback!.Transactions[1];
        Assert.True(odd.IsObject);
        Assert.Null(odd.TransactionId);
        Assert.Equal(item, Encoding.UTF8.GetString(odd.Json.Span));
    }

    [Fact]
    public void A_legacy_postback_also_carries_its_value_without_flags_and_a_current_one_does_not()
    {
        var legacy = Parse("{\"transactions\":[{\"transaction_id\":\"1\",\"comment\":\"a/b \u0f56\"}]}");
        var current = Parse("{\"additional_data\":[{\"transaction_id\":\"1\",\"comment\":\"a/b\"}]}");

        Assert.Equal("[{\"transaction_id\":\"1\",\"comment\":\"a\\/b \\u0f56\"}]",
            Encoding.UTF8.GetString(legacy.Postback!.LegacyUnflaggedSignedJson!.Value.Span));
        Assert.Null(current.Postback!.LegacyUnflaggedSignedJson);
    }

    [Fact]
    public void Failure_messages_do_not_quote_the_body()
    {
        var result = Parse("{\"signature\":\"secret-looking-value\" oops}");

        Assert.Equal(PostbackParseReasons.NotJson, result.Failure!.Reason);
        Assert.DoesNotContain("secret-looking-value", result.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("oops", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reason_codes_are_distinct_snake_case()
    {
        Assert.Equal(PostbackParseReasons.All.Count, PostbackParseReasons.All.Distinct().Count());
        Assert.All(PostbackParseReasons.All, reason => Assert.Matches("^[a-z]+(_[a-z0-9]+)*$", reason));
    }

    private static PostbackParseResult Parse(string body) => PostbackParser.Parse(Encoding.UTF8.GetBytes(body));
}
