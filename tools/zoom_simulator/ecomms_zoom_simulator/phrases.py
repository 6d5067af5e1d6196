"""What simulated people say: ordinary business talk with a few phrases a policy must flag."""

from __future__ import annotations

__all__ = ["FLAGGED", "ORDINARY", "QUESTIONS", "TOPICS"]

TOPICS = [
    "Q4 pipeline review",
    "Fixed income desk stand-up",
    "Client onboarding: Northwind Capital",
    "Weekly risk committee",
    "Équipe produit — roadmap sync",
    "Product launch webinar 🚀",
    "Research call: semiconductors",
    "Compliance training (annual)",
]

ORDINARY = [
    "Good morning everyone, can you all hear me?",
    "Let's start with the numbers from last week.",
    "The deck is in the shared drive, slide 7 has the summary.",
    "Volumes were up 12% on the week, mostly in rates.",
    "Can someone take notes for the follow-up email?",
    "I'll send the updated term sheet after the call.",
    "We need sign-off from legal before we go further.",
    "The client asked about settlement timelines again.",
    "Thanks, that's clear. Next item please.",
    "Is the onboarding checklist complete for Northwind?",
    "I think we should revisit the hedging assumptions.",
    "Merci, je vous envoie le document ce soir.",
    "Sounds good 👍",
    "Let's park that and come back to it on Thursday.",
    "Reminder: the quarterly attestation is due Friday.",
]

# Phrases a compliance lexicon is expected to catch (the demo shows them as risk hits).
FLAGGED = [
    "I guarantee you will make money on this one.",
    "let's move this to WhatsApp so it's off the record",
    "keep this between us, don't put it in email",
    "Delete this message after you read it.",
    "This is a sure thing, no risk at all.",
]

QUESTIONS = [
    "What is the expected settlement date?",
    "Will the slides be shared after the session?",
    "How does this product handle currency risk?",
    "Is there a minimum investment amount?",
]
