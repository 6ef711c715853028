// Prints a new VAPID key pair as environment lines, for web push:
//   npm run vapid:generate -w @todo/notification-service
// Keep the private key secret (a Kubernetes secret, a local .env outside the repository).
import webpush from "web-push";

const keys = webpush.generateVAPIDKeys();
console.log(`VAPID_PUBLIC_KEY=${keys.publicKey}`);
console.log(`VAPID_PRIVATE_KEY=${keys.privateKey}`);
console.log("VAPID_SUBJECT=mailto:you@example.com");
