using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PaymentWindow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "custom_transaction_id",
                table: "deposits",
                type: "character varying(190)",
                maxLength: 190,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ux_deposits_custom_transaction_id",
                table: "deposits",
                column: "custom_transaction_id",
                unique: true,
                filter: "custom_transaction_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_deposits_custom_transaction_id",
                table: "deposits");

            migrationBuilder.DropColumn(
                name: "custom_transaction_id",
                table: "deposits");
        }
    }
}
