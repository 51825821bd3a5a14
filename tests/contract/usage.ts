// What the merchant's frontend does with this API, written only against the types generated from
// /openapi/v1.json (./merchant-api, not committed: ContractTests generates it from the running
// service with generate.mjs, `npm run generate` from a saved document), through openapi-fetch, the
// usual client for them. ContractTests compiles this file with tsc --strict: a renamed field, a
// dropped status or a changed type in the contract is a compile error here first. There is no cast
// (`as`) in this file, and the generated types of our schemas hold no `any` or `unknown` (ContractTests
// checks that too): what compiles here is what the service answers.
//
// The journey of a frontend: a deposit (or one paid in the gateway's window), its proof uploaded, its
// status followed live, the user's history; and the ops view of a payout.
import createClient from "openapi-fetch";
import type { components, paths } from "./merchant-api";

type Schemas = components["schemas"];
export type Deposit = Schemas["DepositResponse"];
export type DepositStatus = Schemas["DepositStatus"];
export type DepositStatusEvent = Schemas["DepositStatusEvent"];
export type Proof = Schemas["ProofResponse"];
export type Problem = Schemas["Problem"];

export type MerchantApi = ReturnType<typeof merchantApi>;

/**
 * openapi-fetch sends a plain object as JSON and passes a FormData through. A multipart call (the
 * proof upload) is typed as an object of its fields, the file a Blob; this one serializer, set once
 * on the client, turns such an object into FormData, so the call itself sends its typed fields as
 * they are. Any other body stays JSON.
 */
export function multipartOrJson(body: unknown): string | FormData {
  if (typeof body === "object" && body !== null) {
    const fields = Object.entries(body);
    if (fields.some(([, value]) => value instanceof Blob)) {
      const form = new FormData();
      for (const [name, value] of fields) {
        form.append(name, value instanceof Blob ? value : String(value));
      }
      return form;
    }
  }
  return JSON.stringify(body);
}

export function merchantApi(baseUrl: string, userToken: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${userToken}` }, bodySerializer: multipartOrJson });
}

/** What the payment page shows: where to transfer the money, and how much. */
export interface PaymentInstructions {
  depositId: string;
  status: DepositStatus;
  walletNumber: string | null;
  accountName: string | null;
  bankName: string | null;
  amount: number | null;
  currency: string;
}

/** A failed call as the page handles it: a message for the user, the fields to mark and, for support, the trace id. */
export interface Failure {
  status: number;
  message: string;
  retryAfterSeconds: number | null;
  fieldErrors: Record<string, string[]>;
  traceId: string;
}

function failure(problem: Problem, response: Response): Failure {
  const retryAfter = response.headers.get("Retry-After");
  // Branch on the stable type, never on the wording of the title; every problem has a detail saying what to change.
  const message = problem.type.endsWith("/gateway-refused") || problem.type.endsWith("/proof-rejected")
    ? problem.gatewayMessage ?? problem.detail ?? problem.title
    : problem.detail ?? problem.title;
  return {
    status: problem.status,
    message,
    retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
    // Keyed by the field's name as the page sent it: "amount", "transactionNumber", "pageSize".
    fieldErrors: problem.errors ?? {},
    traceId: problem.traceId,
  };
}

/** POST /api/deposits: the requisites to pay to; a retry with the same key answers the same deposit. */
export async function startDeposit(api: MerchantApi, amount: number | null, idempotencyKey: string): Promise<PaymentInstructions | Failure> {
  const { data, error, response } = await api.POST("/api/deposits", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: amount === null ? {} : { amount },
  });
  if (error !== undefined) {
    return failure(error, response);
  }
  const replayed: boolean = response.headers.get("Idempotent-Replayed") === "true";
  void replayed;
  return instructions(data);
}

/** POST /api/deposits/window: the gateway's payment window to show (an iframe, as the gateway's pages do). */
export async function startWindowDeposit(
  api: MerchantApi, amount: number | null, lang: string, idempotencyKey: string,
): Promise<{ depositId: string; windowUrl: string } | Failure> {
  const { data, error, response } = await api.POST("/api/deposits/window", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: { amount, lang },
  });
  if (error !== undefined) {
    return failure(error, response);
  }
  return { depositId: data.deposit.id, windowUrl: data.windowUrl };
}

// The gateway's other requisites are free-form JSON by name: typed JSON values, not `never`
// (a bare object schema generates Record<string, never>, which compiles anywhere and holds nothing).
type IsNever<T> = [T] extends [never] ? true : false;
const otherParamsAreReadable: IsNever<Deposit["requisites"]["otherParams"][string]> = false;
void otherParamsAreReadable;

function instructions(deposit: Deposit): PaymentInstructions {
  const bankName = deposit.requisites.otherParams["Bank name"];
  return {
    depositId: deposit.id,
    status: deposit.status,
    walletNumber: deposit.requisites.walletNumber,
    accountName: deposit.requisites.accountName,
    bankName: typeof bankName === "string" ? bankName : null,
    amount: deposit.amount,
    currency: deposit.currency,
  };
}

/**
 * POST /api/deposits/{id}/proof: the transaction number and amount the user typed, and the screenshot
 * they picked, sent as the contract names them (multipart: transactionNumber, amount, screenshot).
 */
export async function uploadProof(
  api: MerchantApi, depositId: string, transactionNumber: string, amount: number, screenshot: File, idempotencyKey: string,
): Promise<Proof | Failure> {
  const { data, error, response } = await api.POST("/api/deposits/{id}/proof", {
    params: { path: { id: depositId }, header: { "Idempotency-Key": idempotencyKey } },
    body: { transactionNumber, amount, screenshot },
  });
  if (error !== undefined) {
    // 422 proof-rejected carries the refused proof: the page shows it and lets the user try again.
    if (error.proof !== undefined) {
      return error.proof;
    }
    return failure(error, response);
  }
  return data;
}

/**
 * GET /api/deposits/{id}/events: the deposit's status as it changes (Server-Sent Events), until it
 * is confirmed or expired. Each `status` event's data is a DepositStatusEvent; the page shows it.
 */
export async function followStatus(
  api: MerchantApi, depositId: string, show: (event: DepositStatusEvent) => void, lastEventId?: string,
): Promise<"final" | "reconnect" | Failure> {
  const { data, error, response } = await api.GET("/api/deposits/{id}/events", {
    params: { path: { id: depositId }, header: lastEventId === undefined ? {} : { "Last-Event-ID": lastEventId } },
    parseAs: "stream",
  });
  if (error !== undefined) {
    return failure(error, response);
  }
  if (response.status === 204 || data === null) {
    return "final";
  }
  const reader = data.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      // The stream ends at the token's exp: reconnect with a fresh token and the last event id.
      return "reconnect";
    }
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const lines = buffer.slice(0, end).split("\n");
      buffer = buffer.slice(end + 2);
      const dataLine = lines.find((line) => line.startsWith("data: "));
      if (lines.includes("event: status") && dataLine !== undefined) {
        const event: DepositStatusEvent = JSON.parse(dataLine.slice("data: ".length));
        show(event);
        if (event.status === "confirmed" || event.status === "expired") {
          return "final";
        }
      }
    }
  }
}

/** GET /api/deposits/{id}: what a page without a live stream polls until the deposit is confirmed. */
export async function depositStatus(api: MerchantApi, depositId: string): Promise<string | Failure> {
  const { data, error, response } = await api.GET("/api/deposits/{id}", { params: { path: { id: depositId } } });
  if (error !== undefined) {
    return failure(error, response);
  }
  const proofs: Proof[] = data.proofs;
  const lastProof = proofs.at(-1);
  switch (data.status) {
    case "confirmed":
      return `Confirmed: ${data.confirmedAmount ?? data.amount ?? 0} ${data.currency}` + (data.amountMismatch ? " (another amount than expected)" : "");
    case "expired":
      return data.confirmedAfterExpiry ? "Confirmed after it expired" : `Expired at ${data.expiredAt ?? "?"}`;
    case "awaiting_payment":
      return lastProof === undefined ? "Waiting for your transfer" : `Proof ${lastProof.transactionNumber}: ${lastProof.status}`;
    default:
      return data.status;
  }
}

/** GET /api/deposits?status=&page=&pageSize=: the user's deposits, newest first, a page at a time. */
export async function depositHistory(
  api: MerchantApi, page: number, status?: DepositStatus,
): Promise<{ rows: PaymentInstructions[]; pages: number } | Failure> {
  const pageSize = 20;
  const { data, error, response } = await api.GET("/api/deposits", {
    params: { query: status === undefined ? { page, pageSize } : { status, page, pageSize } },
  });
  if (error !== undefined) {
    return failure(error, response);
  }
  return { rows: data.items.map(instructions), pages: Math.ceil(data.total / data.pageSize) };
}

/** Ops: the payouts waiting for a second person (a status filter is one of the contract's values), and one of them. */
export async function payoutsToReview(api: MerchantApi): Promise<{ id: string; amount: number; settled: number | null }[] | Failure> {
  const { data, error, response } = await api.GET("/api/ops/payouts", { params: { query: { status: "awaiting_approval" } } });
  if (error !== undefined) {
    return failure(error, response);
  }
  const first = data.items[0];
  if (first !== undefined) {
    const detail = await api.GET("/api/ops/payouts/{id}", { params: { path: { id: first.id } } });
    // One level: the ops view of a payout is the payout's own fields and the ops fields beside them.
    const status: Schemas["PayoutStatus"] | undefined = detail.data?.payout.status;
    void status;
  }
  return data.items.map((payout) => ({ id: payout.id, amount: payout.amount, settled: payout.settledAmount }));
}
