<?php
// Signs a withdrawal request as the gateway is inferred to check it (docs/gateway-protocol.md, section 4):
// sha1(private_key . md5(implode(":", the values of every field but signature, ordered by field name))).
// Written the plain way a PHP gateway would, so the sandbox's own C# is compared with PHP itself.
// Usage: php sign-withdrawal.php <private key> <request JSON>; prints {"joined":"…","signature":"…"}.
$key = $argv[1];
$fields = json_decode($argv[2], true, 512, JSON_THROW_ON_ERROR);
unset($fields['signature']);
ksort($fields);
// implode writes a nested array (bank_details) as "Array" and warns "Array to string conversion":
// the warning is the expected case here, and a warning on stderr would fail the run.
$joined = @implode(':', $fields);
echo json_encode(
    ['joined' => $joined, 'signature' => sha1($key . md5($joined))],
    JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR
);
