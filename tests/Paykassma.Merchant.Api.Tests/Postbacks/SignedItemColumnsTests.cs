using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// gateway_transactions is described once (SignedItemColumns, ADR 0023): the table EF Core makes and
/// the rows the postback statement writes cannot drift apart. A property added to the entity without
/// its line in the description, or a description line without its property, fails here by name.
/// </summary>
public sealed partial class SignedItemColumnsTests
{
    private static readonly Lazy<IEntityType> Table = new(() =>
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        return db.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(GatewayTransaction))!;
    });

    [Fact]
    public void The_postback_statements_write_every_column_of_gateway_transactions_and_no_other()
    {
        // Ops write this one later (the attention list's "seen"); a new item is never seen.
        string[] writtenLater = ["attention_seen_since"];
        var tableColumns = Table.Value.GetProperties().Select(p => p.GetColumnName()).Except(writtenLater).Order().ToArray();

        foreach (var statement in new[]
        {
            PostbackStatements.StoreOne, PostbackStatements.StoreMany, PostbackStatements.StoreOneIngoing, PostbackStatements.StoreManyIngoing,
            PostbackStatements.StoreOneOutgoing, PostbackStatements.StoreManyOutgoing, PostbackStatements.Reverify,
        })
        {
            var insert = InsertColumns().Match(statement.Text);
            Assert.True(insert.Success, "The postback statement no longer inserts into gateway_transactions.");
            var written = insert.Groups[1].Value.Split(',').Select(c => c.Trim()).Order().ToArray();
            Assert.Equal(tableColumns, written);
        }
    }

    [Fact]
    public void Each_stored_column_has_the_length_and_type_it_is_bound_with()
    {
        foreach (var column in SignedItemColumns.StoredAsSent)
        {
            var property = Table.Value.FindProperty(column.Property);
            Assert.True(property is not null, $"SignedItemColumns names {column.Name}, but GatewayTransaction has no property {column.Property}.");
            Assert.Equal(column.Name, property.GetColumnName());
            Assert.Equal(column.MaxLength, property.GetMaxLength());
            if (column.StoredType is { } type)
            {
                Assert.Equal(type, property.GetColumnType());
            }
        }
    }

    [GeneratedRegex(@"INSERT INTO gateway_transactions \(([^)]*)\)")]
    private static partial Regex InsertColumns();
}
