using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AmountDiffers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "amount_differs",
                table: "deposits",
                type: "boolean",
                nullable: false,
                computedColumnSql: "amount IS NOT NULL AND confirmed_amount IS NOT NULL AND confirmed_amount <> amount",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_deposits_amount_differs",
                table: "deposits",
                column: "confirmed_at",
                filter: "amount_differs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deposits_amount_differs",
                table: "deposits");

            migrationBuilder.DropColumn(
                name: "amount_differs",
                table: "deposits");
        }
    }
}
