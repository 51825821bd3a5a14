using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DepositExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "confirmed_after_expiry",
                table: "deposits",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "expired_at",
                table: "deposits",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_deposits_status_created_at",
                table: "deposits",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_deposits_unconfirmed_created_at",
                table: "deposits",
                column: "created_at",
                filter: "status IN ('awaiting_payment', 'proof_submitted', 'pending_confirmation')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deposits_status_created_at",
                table: "deposits");

            migrationBuilder.DropIndex(
                name: "ix_deposits_unconfirmed_created_at",
                table: "deposits");

            migrationBuilder.DropColumn(
                name: "confirmed_after_expiry",
                table: "deposits");

            migrationBuilder.DropColumn(
                name: "expired_at",
                table: "deposits");
        }
    }
}
