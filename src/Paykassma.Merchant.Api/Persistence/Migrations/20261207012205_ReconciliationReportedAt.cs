using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <summary>
    /// The daily reconciliation counts a signed item on the day of its signed activation time, or of
    /// its storing when it carries none (Reconciliation/ReconciliationStatements.ReportedAt). Neither
    /// column alone can bound that scan exactly: activation has no index, and bounding by stored_at
    /// with a margin would miss a postback the gateway redelivered after a longer outage. An index on
    /// the expression itself bounds it exactly. EF Core's model cannot express an expression index, so
    /// it is written here by hand (the model and its snapshot do not know it; nothing drops it).
    /// </summary>
    public partial class ReconciliationReportedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                "CREATE INDEX ix_gateway_transactions_reported_at ON gateway_transactions ((COALESCE(activated_at, stored_at)));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_gateway_transactions_reported_at;");
        }
    }
}
