/**
 * The built-in corpus of the character-level language-model task: ten of Aesop's fables, retold in
 * plain English for Unroll. The fables are in the public domain (Aesop, 6th century BC; the English
 * tradition follows the public-domain translations of Croxall, James and Townsend); the wording below
 * is Unroll's own and may be shipped and reproduced freely. ASCII only, `\n` line ends.
 */
export const AESOP_TITLE = "Aesop's Fables (ten fables, retold)";

export const AESOP_TEXT = `THE FOX AND THE GRAPES

A hungry Fox came into a vineyard where bunches of ripe grapes hung from a high trellis. He jumped
for them again and again, but they were just out of reach. At last he gave up, and as he walked away
with his nose in the air he said, "I thought those grapes were ripe, but I see now that they are
quite sour."

It is easy to despise what you cannot get.

THE HARE AND THE TORTOISE

A Hare was always boasting of her speed and laughing at the Tortoise for being so slow. "Let us run
a race," said the Tortoise, "and we shall see who wins." The Hare agreed, sure of an easy victory.
She was soon far ahead, so she lay down by the road to take a nap. The Tortoise plodded on and on,
never stopping, and when the Hare woke up she saw the Tortoise near the finish. She ran as fast as
she could, but it was too late: the Tortoise had already won.

Slow and steady wins the race.

THE LION AND THE MOUSE

A Lion was asleep in the forest when a little Mouse ran across his face and woke him. The Lion
caught her under his great paw and was about to eat her. "Spare me," begged the Mouse, "and one day
I may repay your kindness." The Lion laughed at the idea, but he let her go. Some time later the
Lion was caught in a hunter's net. He roared and struggled, but the ropes only held him tighter. The
Mouse heard him, ran to the net, and gnawed the ropes until the Lion was free. "You laughed at me,"
said the Mouse, "but now you see that even a Mouse can help a Lion."

Little friends may prove great friends.

THE CROW AND THE PITCHER

A Crow, half dead with thirst, found a pitcher with a little water at the bottom. She put in her beak,
but the water was too low for her to reach. She tried to push the pitcher over, but it was too heavy.
Then she had an idea. She picked up a pebble and dropped it into the pitcher, then another, and
another. With every pebble the water rose a little higher, until at last it came near the top and
the Crow could drink.

Little by little does the trick.

THE SHEPHERD BOY AND THE WOLF

A Shepherd Boy who watched his sheep near a village grew bored, and for fun he cried out, "Wolf!
Wolf!" The villagers ran up to help him, and he laughed at them. He played the same trick again a few
days later, and again they came running. Then one evening a Wolf really did come out of the forest.
The Boy cried "Wolf! Wolf!" as loudly as he could, but this time nobody believed him, and the Wolf
killed many of the sheep.

A liar will not be believed, even when he tells the truth.

THE ANT AND THE GRASSHOPPER

All summer long a Grasshopper sang and danced in the fields, while an Ant worked hard carrying grain
to her nest. "Why work so hard?" asked the Grasshopper. "Come and sing with me." "I am storing food
for the winter," said the Ant, "and you would do well to do the same." The Grasshopper only laughed.
When winter came, the Grasshopper had nothing to eat, and he begged the Ant for a little grain. "You
sang all summer," said the Ant. "Now you may dance all winter."

It is wise to prepare today for the needs of tomorrow.

THE NORTH WIND AND THE SUN

The North Wind and the Sun argued about which of them was the stronger. They saw a traveller on the
road and agreed that whoever could make him take off his cloak should be called the stronger. The
Wind blew as hard as he could, but the harder he blew, the tighter the traveller wrapped his cloak
around him. Then the Sun came out and shone warmly. The traveller grew hot, loosened his cloak, and
at last took it off and sat down in the shade.

Gentleness often succeeds where force fails.

THE DOG AND HIS SHADOW

A Dog was crossing a bridge over a stream with a piece of meat in his mouth. Looking down, he saw
his own shadow in the water and took it for another dog with a bigger piece of meat. He opened his
mouth to snatch it, and his own piece fell into the stream and was lost.

Grasp at the shadow and you may lose the substance.

THE TOWN MOUSE AND THE COUNTRY MOUSE

A Country Mouse invited her cousin from the town to visit. She gave her the best she had: beans,
barley and a few roots. The Town Mouse ate a little and said, "How can you live on such plain food?
Come with me to town and I will show you how to live." So they went to a grand house, where they
found the remains of a feast: cakes, cheese and honey. But they had hardly begun to eat when the
door opened and a servant came in with two great dogs, and the mice had to run for their lives.
"Good-bye, cousin," said the Country Mouse. "Your life is rich, but I would rather eat my beans in
peace."

Better a little in safety than plenty in fear.

THE GOOSE THAT LAID THE GOLDEN EGGS

A Man and his Wife had a Goose that laid a golden egg every day. They grew rich, but not fast
enough for them. "If the Goose lays golden eggs," they said, "she must be full of gold inside." So
they killed the Goose and cut her open, and found that she was just like any other goose. They had
no more golden eggs.

Greed often loses all it has.
`;
