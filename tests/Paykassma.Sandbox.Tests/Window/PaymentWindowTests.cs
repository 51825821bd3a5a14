using System.Net;
using Paykassma.Sandbox.Deposits;
using Paykassma.Sandbox.Tests.Postbacks;

namespace Paykassma.Sandbox.Tests.Window;

/// <summary>
/// The imitated payment window at <c>/plugin/</c>: its parameter checks, its page (escaped, no script)
/// and its "I have paid" form, which sends the signed postback for the window's custom_transaction_id.
/// </summary>
public sealed class PaymentWindowTests
{
    private static string Query(params (string Name, string Value)[] parameters) =>
        "?" + string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));

    private static (string, string)[] Window(string label = "user-7", string customId = "pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e",
        string? fixedAmount = "300.00") =>
    [
        ("label", label), ("currency_code", "BTN"), ("lang", "en"), ("wallet_type", "bnb_ml"), ("custom_transaction_id", customId),
        .. fixedAmount is null ? Array.Empty<(string, string)>() : [("fixed_amount", fixedAmount)],
        ("payment_url_success_id", "4"),
    ];

    /// <summary>What the page's form posts: its hidden fields, plus the typed amount when there is no fixed one.</summary>
    private static FormUrlEncodedContent Form((string Name, string Value)[] window, string? amount = null) =>
        new(window.Select(p => KeyValuePair.Create(p.Name, p.Value))
            .Concat(amount is null ? [] : [KeyValuePair.Create("amount", amount)]));

    [Fact]
    public async Task The_window_shows_the_requisites_and_the_fixed_amount_without_any_script()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        var response = await sandbox.Http.GetAsync("/plugin/" + Query(Window()) + "&1769477522000");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains($"<dd id=\"wallet-number\">{Requisites.WalletNumberFor("user-7")}</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"account-name\">Sandbox Merchant</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"fixed-amount\">300.00 BTN</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/plugin/paid\">", page, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"custom_transaction_id\" value=\"pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e\">", page, StringComparison.Ordinal);
        Assert.Contains("<button id=\"paid\" type=\"submit\">I have paid</button>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"amount\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_a_fixed_amount_the_user_types_the_amount_paid()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        var page = await sandbox.Http.GetStringAsync("/plugin" + Query(Window(fixedAmount: null)));

        Assert.Contains("id=\"amount\" name=\"amount\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("fixed-amount", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markup_in_any_parameter_is_shown_as_text_never_as_markup()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        const string label = "\"><script>alert(1)</script><b x='";
        const string customId = "pw_<img src=x onerror=alert(1)>&amp;";

        var page = await sandbox.Http.GetStringAsync("/plugin/" + Query(Window(label, customId)));

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b ", page, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b x=&#x27;", page, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;&amp;amp;", page, StringComparison.Ordinal);

        var problems = await (await sandbox.Http.GetAsync("/plugin/?label=%3Cscript%3E&lang=%3Cscript%3E")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", problems, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, string> BadWindows => new()
    {
        { Query(Window()).Replace("label=user-7", "label=", StringComparison.Ordinal), "label must not be empty" },
        { Query(Window()).Replace("label=user-7&", "", StringComparison.Ordinal), "label is required" },
        { Query(Window()).Replace("BTN", "INR", StringComparison.Ordinal), "currency_code must be BTN" },
        { Query(Window()).Replace("bnb_ml", "phone_pe", StringComparison.Ordinal), "wallet_type must be bnb_ml" },
        { Query(Window()).Replace("lang=en", "lang=english", StringComparison.Ordinal), "lang must be 2 to 5 letters" },
        { Query(Window()).Replace("300.00", "300.50", StringComparison.Ordinal), "fixed_amount must be a whole amount" },
        { Query(Window()).Replace("300.00", "0", StringComparison.Ordinal), "fixed_amount must be a whole amount" },
        { Query(Window()).Replace("300.00", "-300", StringComparison.Ordinal), "fixed_amount must be a whole amount" },
        { Query(Window()).Replace("300.00", "3e2", StringComparison.Ordinal), "fixed_amount must be a whole amount" },
        { Query(Window()).Replace("success_id=4", "success_id=https%3A%2F%2Fshop", StringComparison.Ordinal), "payment_url_success_id must be digits" },
        { Query(Window()) + "&custom_transaction_id=other", "custom_transaction_id is sent more than once" },
        { Query(Window()).Replace("custom_transaction_id=pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e", "custom_transaction_id=" + new string('x', 191), StringComparison.Ordinal),
            "custom_transaction_id must be at most 190 characters" },
    };

    [Theory]
    [MemberData(nameof(BadWindows))]
    public async Task A_window_with_a_bad_parameter_is_a_400_page_naming_it(string query, string problem)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        var response = await sandbox.Http.GetAsync("/plugin/" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(problem, page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"paid\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task I_have_paid_sends_one_signed_postback_for_the_windows_id_with_the_fixed_amount()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var window = Window(label: "dorji/ཚེ", customId: "pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e", fixedAmount: "1250.00");

        var response = await sandbox.Http.PostAsync("/plugin/paid", Form(window));
        var again = await sandbox.Http.PostAsync("/plugin/paid", Form(window));
        var reopened = await sandbox.Http.GetStringAsync("/plugin/" + Query(window));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"reported\"", page, StringComparison.Ordinal);
        Assert.Contains("success URL no. 4", page, StringComparison.Ordinal);
        Assert.Contains("id=\"already-reported\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("id=\"already-reported\"", reopened, StringComparison.Ordinal);

        var received = await sandbox.Receiver.WaitForAsync(1);
        await sandbox.Receiver.AssertNoMoreThanAsync(1, TimeSpan.FromMilliseconds(500));
        var verification = sandbox.Verify(received[0].Body);
        Assert.True(verification.IsVerified, verification.RejectReason);
        var parsed = PostbackSandbox.Parse(received[0].Body);
        var item = parsed.Transactions.Single();
        Assert.Equal("pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e", item.CustomOrderId);
        Assert.Equal(1250m, item.Amount);
        Assert.Equal("BTN", item.CurrencyCode);
        Assert.Equal("bnb_ml", item.WalletType);
        Assert.Equal(0, item.TransactionType);
        Assert.Matches("^[0-9]{12}$", item.TransactionId!);
        Assert.Contains($"<dd id=\"transaction-id\">{item.TransactionId}</dd>", page, StringComparison.Ordinal);
        Assert.Equal("dorji/ཚེ", parsed.Unsigned.Label);
        var listed = Assert.Single(await sandbox.ListAsync("pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e"));
        Assert.Equal("window", listed.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Without_a_fixed_amount_the_typed_amount_is_paid_and_a_missing_one_is_refused()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var window = Window(fixedAmount: null);

        var missing = await sandbox.Http.PostAsync("/plugin/paid", Form(window));
        var notWhole = await sandbox.Http.PostAsync("/plugin/paid", Form(window, amount: "12.5"));
        var paid = await sandbox.Http.PostAsync("/plugin/paid", Form(window, amount: "700"));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("amount must be a whole amount", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notWhole.StatusCode);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var received = await sandbox.Receiver.WaitForAsync(1);
        Assert.Equal(700m, PostbackSandbox.Parse(received[0].Body).Transactions.Single().Amount);
    }

    [Fact]
    public async Task A_form_whose_hidden_fields_were_changed_is_checked_again_and_sends_nothing()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var tampered = Window().Select(p => p.Item1 == "currency_code" ? (p.Item1, "USD") : p).ToArray();

        var response = await sandbox.Http.PostAsync("/plugin/paid", Form(tampered));
        var notAForm = await sandbox.Http.PostAsync("/plugin/paid", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("currency_code must be BTN", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notAForm.StatusCode);
        await sandbox.Receiver.AssertNoMoreThanAsync(0, TimeSpan.FromMilliseconds(300));
        Assert.Empty(await sandbox.ListAsync());
    }
}
