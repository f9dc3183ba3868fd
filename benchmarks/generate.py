"""Synthetic corpora at the scale of UNICEF's Data Must Speak (DMS) study.

The yardstick: about 1,100 schools x 6 transcripts = 6,600 documents, ~25 million words,
~1.3 million sentences, 13 countries, English, French and Portuguese. `generate_corpus`
writes plain-text transcripts (speaker-labelled interviews and focus groups, label-free
classroom observations) and a `metadata.csv`; `build_project` also imports them into a
new project, for benchmarks that need one ready (TUI, synthesis).

Usable as a module (`from generate import build_project`, with `benchmarks/` on the path)
and as a script:

    python benchmarks/generate.py OUT_FOLDER --documents 6600 --seed 0 [--project P.bsp]

Everything is drawn from `random.Random(seed)` (one master generator for the plan, one
generator per document seeded from it), so a seed always gives the same bytes."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCUMENTS_PER_SCHOOL = 6
MEAN_WORDS = 3_800  # ~25M words over 6,600 documents
WORDS_SIGMA = 0.45  # log-normal spread of document lengths
MIN_WORDS, MAX_WORDS = 400, 24_000
OVERSHOOT = 90  # a document ends with a whole turn: it runs past its target by ~90 words
METADATA_COLUMNS = (
    "file",
    "country",
    "territory",
    "school_id",
    "school_group",
    "respondent_role",
    "method",
    "language",
    "date",
)

# ISO 3166-1 alpha-2 code, language of the transcripts, relative number of schools.
COUNTRIES: tuple[tuple[str, str, int], ...] = (
    ("BR", "pt", 80),
    ("BF", "fr", 90),
    ("TD", "fr", 85),
    ("CI", "fr", 90),
    ("ET", "en", 95),
    ("MG", "fr", 80),
    ("ML", "fr", 85),
    ("MZ", "pt", 85),
    ("NE", "fr", 80),
    ("SL", "en", 85),
    ("TZ", "en", 95),
    ("TG", "fr", 80),
    ("UG", "en", 90),
)
ZANZIBAR_SHARE = 0.35  # of Tanzanian schools

# The six documents of a school: (kind, method, respondent_role, length multiplier).
# The multipliers average 1.0 so that the mean document has MEAN_WORDS words.
SCHOOL_DOCUMENTS: tuple[tuple[str, str, str, float], ...] = (
    ("kii_head", "kii", "head_teacher", 1.10),
    ("kii_teacher", "kii", "teacher", 1.00),
    ("fgd_teachers", "fgd", "teacher", 1.20),
    ("fgd_parents", "fgd", "parent", 1.05),
    ("fgd_community", "fgd", "community_member", 1.00),
    ("observation", "classroom_observation", "observer", 0.65),
)


# --- vocabulary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Language:
    """Phrase material for one language. Subjects come with modal verbs that agree."""

    code: str
    interviewer: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]  # document kind -> respondent labels ({n}: a number)
    slugs: dict[str, str]  # document kind -> file-name part
    titles: dict[str, str]
    subjects_one: tuple[str, ...]
    subjects_many: tuple[str, ...]
    modals_one: tuple[str, ...]
    modals_many: tuple[str, ...]
    practices: tuple[str, ...]
    times: tuple[str, ...]
    reasons: tuple[str, ...]  # already start with their conjunction
    hedges: tuple[str, ...]
    connectives: tuple[str, ...]
    short: tuple[str, ...]
    relatives: tuple[str, ...]
    relative_news: tuple[str, ...]
    past_times: tuple[str, ...]
    asides: tuple[str, ...]
    problems: tuple[str, ...]
    topics: tuple[str, ...]
    questions: tuple[str, ...]  # {t}: a topic
    probes: tuple[str, ...]
    opening: tuple[str, ...]
    closing: tuple[str, ...]
    observed_one: tuple[str, ...]
    observed_many: tuple[str, ...]
    actions_one: tuple[str, ...]
    actions_many: tuple[str, ...]
    places: tuple[str, ...]
    notes: tuple[str, ...]  # {n}, {m}, {k}: numbers
    annotations: tuple[str, ...]
    contractions: tuple[tuple[str, str], ...] = ()
    elide: bool = False


def _t(text: str) -> tuple[str, ...]:
    """A phrase list written one phrase a line."""
    return tuple(line.strip() for line in text.strip().split("\n") if line.strip())


ENGLISH = Language(
    code="en",
    interviewer=("Interviewer", "Facilitator", "Int", "Researcher"),
    labels={
        "kii_head": ("HT", "Head Teacher", "Headteacher", "Principal"),
        "kii_teacher": ("Teacher", "T", "Tr"),
        "fgd_teachers": ("Teacher {n}", "T{n}"),
        "fgd_parents": ("Parent {n}", "Mother {n}", "Father {n}"),
        "fgd_committee": ("SMC Chair", "SMC member {n}", "PTA Chair", "PTA member {n}"),
        "fgd_community": ("Community member {n}", "Elder", "Religious leader", "CM{n}"),
    },
    slugs={
        "kii_head": "kii-head-teacher",
        "kii_teacher": "kii-teacher",
        "fgd_teachers": "fgd-teachers",
        "fgd_parents": "fgd-parents",
        "fgd_committee": "fgd-smc",
        "fgd_community": "fgd-community",
        "observation": "classroom-observation",
    },
    titles={
        "kii_head": "Key informant interview with the head teacher",
        "kii_teacher": "Key informant interview with a teacher",
        "fgd_teachers": "Focus group discussion with teachers",
        "fgd_parents": "Focus group discussion with parents",
        "fgd_committee": "Focus group discussion with the school management committee",
        "fgd_community": "Focus group discussion with community members",
        "observation": "Classroom observation notes",
    },
    subjects_one=_t("""
        the head teacher
        the deputy head
        our school
        the SMC chair
        the class teacher
        the district officer
        the PTA
        the mothers' club
        the school committee
        each teacher
        the senior teacher
        the community
        my colleague
        the inspector
        the cluster coordinator
    """),
    subjects_many=_t("""
        we
        the teachers
        the parents
        some teachers
        the older pupils
        the mothers
        the SMC members
        the new teachers
        most families
        the class monitors
        the girls' club members
        the elders
        the young teachers
        they
        the volunteers
    """),
    modals_one=_t("""
        can
        must
        will
        tries to
        started to
        used to
        has to
        is supposed to
        decided to
        is trying to
    """),
    modals_many=_t("""
        can
        must
        will
        try to
        started to
        used to
        have to
        are supposed to
        decided to
        are trying to
    """),
    practices=_t("""
        check the lesson plans of every teacher
        visit the classrooms to observe how the lessons are taught
        call the parents of children who miss school
        organise remedial classes for pupils who are behind in reading
        keep a register of the children who come late
        share the few textbooks so that every group has one
        meet with the teachers to discuss the results of the tests
        prepare teaching aids from bottle tops and cardboard
        walk to the villages to find the children who dropped out
        give small tests at the end of each week
        plan the lessons together in the staff room
        speak to the girls about staying in school
        collect contributions for the school feeding programme
        repair the desks and the roof before the rains
        follow up with the families of absent children
        use the local language in the early grades
        group the pupils by level for reading practice
        reward the pupils who improve with a small prize
        mentor the newly posted teachers during the first term
        display the results of each class on the notice board
        read stories aloud to the younger children
        check the exercise books and write comments for the pupils
        keep the compound clean and plant trees around the school
        arrange extra lessons on Saturday mornings before the exams
        ask the older pupils to help the younger ones with reading
        report problems to the district education office
        discuss attendance at every meeting of the committee
        buy chalk and exercise books with the school grant
        welcome the parents when they come to see the teachers
        talk to the children instead of using the stick
        track the progress of each pupil in a small notebook
        make sure that the teachers arrive on time
        go from house to house at the start of the year to register children
        cook porridge for the children with maize from the parents
        train the teachers on how to teach phonics and letter sounds
    """),
    times=_t("""
        every Monday
        every morning
        at the start of the term
        after the harvest
        during the rainy season
        before the national exams
        once a month
        when the inspector comes
        since last year
        during the break
        after school
        in the first term
        every Friday afternoon
        when there is money
        at the end of each week
        most days
        from time to time
    """),
    reasons=_t("""
        because many children were failing
        because the parents asked us to
        because the classes are very large
        because the district sent a circular
        because the children learn better that way
        because we do not have enough books
        because otherwise the girls stay at home
        because the teachers are few
        because the children come from far away
        because it builds trust with the community
        because the head teacher insisted on it
        because the results were bad last year
        because we saw it work in another school
        because the pupils were losing interest
    """),
    hedges=_t("""
        I think
        To be honest,
        Maybe
        Sometimes
        Honestly,
        As far as I know,
        I am not sure, but
        Well,
        In my opinion,
        Usually
        Mostly
        I would say
        You see,
        Actually,
        Yes,
        In fact,
        Like I said,
    """),
    connectives=("and", "but", "so", "and then", "and also", "while"),
    short=_t("""
        Yes.
        No, not really.
        That is true.
        It depends.
        I agree with her.
        I agree with what he said.
        Exactly.
        Not always.
        It is difficult to say.
        Thank you.
        I don't know.
        Yes, that is right.
        Sometimes, yes.
        It was better before.
    """),
    relatives=_t("""
        my brother
        my sister
        my neighbour
        my uncle
        my cousin
        my wife
        my husband
    """),
    relative_news=_t("""
        sold two goats at the market
        started a small shop near the road
        was sick with malaria
        travelled to the capital
        bought a new motorbike
        began building a house
        found work with an NGO in town
    """),
    past_times=_t("""
        last week
        yesterday
        two days ago
        during the holidays
        last month
    """),
    asides=_t("""
        The road was flooded this morning so I came late.
        The price of maize has gone up again.
        My phone battery is almost finished.
        There was a wedding in the village last week.
        The bus from town was full.
        We are waiting for the rains to start planting.
        Sorry, somebody is calling me.
        It is very hot today.
        The market day is Thursday here.
        The football match on Sunday was very exciting.
    """),
    problems=_t("""
        many children drop out
        the classrooms are overcrowded
        some teachers do not come on Mondays
        the parents cannot pay the contributions
        the latrines are not working
        the textbooks do not arrive
        the girls marry very young
        the children go to the gold mines
        the school has no water
        the teachers' salaries come late
        the pupils cannot read in the third grade
        there is no electricity
        the roof leaks
        insecurity keeps families away
        many pupils come to school hungry
    """),
    topics=_t("""
        the way teachers prepare their lessons
        how you follow up on absent pupils
        the role of the parents in the school
        the school feeding programme
        how new teachers are supported
        the support you get from the district
        how the school uses its grant
        reading in the early grades
        discipline in the school
        the attendance of girls
        the school management committee
        how teachers are evaluated
        the results in the national exams
        children with disabilities
        the relationship with the community
        what makes this school different
    """),
    questions=_t("""
        Can you tell me about {t}?
        How would you describe {t}?
        What has changed regarding {t} in the last few years?
        Who is responsible for {t}?
        Could you give me an example about {t}?
        What are the main difficulties with {t}?
        What do you do about {t}?
        How do the parents see {t}?
    """),
    probes=_t("""
        Why is that?
        Can you say more about that?
        And how often does that happen?
        Who decided that?
        Does it work?
        What happened then?
        Is that the same for all the classes?
        Thank you. Let us move on.
    """),
    opening=_t("""
        Good morning and thank you for agreeing to talk with us.
        Everything you say will remain confidential and your name will not appear anywhere.
        The discussion is recorded so that we do not forget what you tell us.
        Please tell us when you want to stop.
    """),
    closing=_t("""
        Thank you very much for your time.
        Is there anything else you would like to add?
        We will share what we learn with the school.
    """),
    observed_one=_t("""
        the teacher
        a girl in the front row
        the class monitor
        a boy near the window
        the head teacher
        one pupil
    """),
    observed_many=_t("""
        three pupils
        most of the children
        two girls at the back
        the pupils in the middle row
        many children
    """),
    actions_one=_t("""
        writes the date on the board
        asks the pupils to repeat the sentence
        walks between the desks
        reads a passage aloud
        checks the exercise books
        uses a stick to point at the letters
        praises a pupil who answered well
        sends a child to fetch chalk
        arrives late and sits quietly
        copies the exercise from the board
    """),
    actions_many=_t("""
        share one textbook
        sit on the floor near the door
        answer in chorus
        work in small groups
        copy the exercise from the board
        raise their hands to answer
        look outside through the window
        repeat the syllables after the teacher
        play in the compound during the break
    """),
    places=_t("""
        at the beginning of the lesson
        during the reading lesson
        in the grade two classroom
        near the blackboard
        while the teacher is writing
        after the break
        during the mathematics lesson
        for about ten minutes
    """),
    notes=_t("""
        There are {n} pupils present and {m} desks.
        The classroom has no door and the walls are cracked.
        A poster with the alphabet hangs on the wall.
        The lesson starts {k} minutes late.
        No textbooks are visible in the room.
        The teacher's guide lies open on the table.
    """),
    annotations=("[inaudible]", "[inaudible]", "[laughter]", "[crosstalk]", "[pause]"),
)

FRENCH = Language(
    code="fr",
    interviewer=("Enquêteur", "Enquêtrice", "Animateur", "Animatrice"),
    labels={
        "kii_head": ("Directeur", "Directrice"),
        "kii_teacher": ("Enseignant", "Enseignante", "Maître"),
        "fgd_teachers": ("Enseignant {n}", "Enseignante {n}"),
        "fgd_parents": ("Parent {n}", "Mère {n}", "Père {n}"),
        "fgd_committee": ("Président COGES", "Membre COGES {n}", "Président APE"),
        "fgd_community": ("Chef de village", "Chef coutumier", "Membre de la communauté"),
    },
    slugs={
        "kii_head": "kii-directeur",
        "kii_teacher": "kii-enseignant",
        "fgd_teachers": "fgd-enseignants",
        "fgd_parents": "fgd-parents",
        "fgd_committee": "fgd-coges",
        "fgd_community": "fgd-communaute",
        "observation": "observation-classe",
    },
    titles={
        "kii_head": "Entretien individuel avec le directeur",
        "kii_teacher": "Entretien individuel avec un enseignant",
        "fgd_teachers": "Discussion de groupe avec les enseignants",
        "fgd_parents": "Discussion de groupe avec les parents d'élèves",
        "fgd_committee": "Discussion de groupe avec le comité de gestion",
        "fgd_community": "Discussion de groupe avec la communauté",
        "observation": "Notes d'observation de classe",
    },
    subjects_one=_t("""
        on
        le directeur
        la directrice
        notre école
        le président du COGES
        le maître
        la maîtresse
        le conseiller pédagogique
        l'APE
        l'association des mères éducatrices
        le comité de gestion
        chaque enseignant
        le chef du village
        mon collègue
        l'inspecteur
    """),
    subjects_many=_t("""
        les enseignants
        les parents
        certains maîtres
        les grands élèves
        les mamans
        les membres du COGES
        les nouveaux enseignants
        beaucoup de familles
        les chefs de classe
        ils
        les anciens
        les jeunes enseignants
        les volontaires
    """),
    modals_one=_t("""
        doit
        peut
        va
        essaie de
        a commencé à
        avait l'habitude de
        a décidé de
        continue à
        cherche à
    """),
    modals_many=_t("""
        doivent
        peuvent
        vont
        essaient de
        ont commencé à
        avaient l'habitude de
        ont décidé de
        continuent à
        cherchent à
    """),
    practices=_t("""
        vérifier les cahiers de préparation de chaque enseignant
        visiter les classes pour voir comment les leçons se déroulent
        appeler les parents des enfants qui manquent l'école
        organiser des cours de remédiation pour les élèves en retard
        tenir un registre des élèves qui arrivent en retard
        partager les quelques manuels pour que chaque groupe en ait un
        se réunir avec les enseignants pour discuter des résultats des évaluations
        fabriquer du matériel didactique avec des capsules et du carton
        aller dans les villages pour chercher les enfants qui ont abandonné
        faire de petites évaluations à la fin de chaque semaine
        préparer les leçons ensemble pendant les journées pédagogiques
        parler aux filles de l'importance de rester à l'école
        collecter les cotisations pour la cantine scolaire
        réparer les tables-bancs et le toit avant la saison des pluies
        suivre les familles des enfants absents
        utiliser la langue nationale dans les premières classes
        regrouper les élèves par niveau pour la lecture
        récompenser les élèves qui progressent avec un petit cadeau
        encadrer les nouveaux enseignants pendant le premier trimestre
        afficher les résultats de chaque classe au tableau d'affichage
        lire des contes aux plus petits
        corriger les cahiers et écrire des remarques pour les élèves
        garder la cour propre et planter des arbres autour de l'école
        organiser des cours de renforcement le samedi matin avant les examens
        demander aux grands élèves d'aider les petits en lecture
        signaler les problèmes à l'inspection
        discuter de l'assiduité à chaque réunion du comité
        acheter de la craie et des cahiers avec la subvention de l'école
        accueillir les parents quand ils viennent voir les maîtres
        parler aux enfants au lieu d'utiliser la chicotte
        suivre les progrès de chaque élève dans un petit carnet
        s'assurer que les enseignants arrivent à l'heure
        faire du porte-à-porte à la rentrée pour inscrire les enfants
        préparer la bouillie pour les enfants avec le mil des parents
        former les enseignants à l'enseignement de la lecture
    """),
    times=_t("""
        chaque lundi
        tous les matins
        au début de l'année
        après les récoltes
        pendant l'hivernage
        avant les examens du CEP
        une fois par mois
        quand l'inspecteur vient
        depuis l'année passée
        pendant la récréation
        après les cours
        au premier trimestre
        chaque vendredi après-midi
        quand il y a de l'argent
        à la fin de chaque semaine
        presque tous les jours
        de temps en temps
    """),
    reasons=_t("""
        parce que beaucoup d'enfants échouaient
        parce que les parents l'ont demandé
        parce que les effectifs sont pléthoriques
        parce que l'inspection a envoyé une circulaire
        parce que les enfants apprennent mieux comme ça
        parce qu'on n'a pas assez de manuels
        sinon les filles restent à la maison
        parce que les enseignants sont peu nombreux
        parce que les enfants viennent de loin
        parce que ça crée la confiance avec la communauté
        parce que le directeur a insisté
        parce que les résultats étaient mauvais l'année dernière
        parce qu'on a vu que ça marchait dans une autre école
        parce que les élèves perdaient l'intérêt
    """),
    hedges=_t("""
        Je pense que
        Franchement,
        Peut-être que
        Parfois
        Bon,
        À ma connaissance,
        Je ne suis pas sûr, mais
        Euh,
        À mon avis,
        En général
        Souvent
        Je dirais que
        Vous voyez,
        En fait,
        Oui,
        Comme je l'ai dit,
        Bon, voilà,
    """),
    connectives=("et", "mais", "donc", "et puis", "et aussi", "alors que"),
    short=_t("""
        Oui.
        Non, pas vraiment.
        C'est vrai.
        Ça dépend.
        Je suis d'accord avec elle.
        Je suis d'accord avec ce qu'il a dit.
        Exactement.
        Pas toujours.
        C'est difficile à dire.
        Merci.
        Je ne sais pas.
        Oui, c'est ça.
        Parfois, oui.
        C'était mieux avant.
    """),
    relatives=_t("""
        mon frère
        ma sœur
        mon voisin
        mon oncle
        mon cousin
        ma femme
        mon mari
    """),
    relative_news=_t("""
        a vendu deux chèvres au marché
        a ouvert une petite boutique au bord de la route
        a eu le palu
        a voyagé jusqu'à la capitale
        a acheté une nouvelle moto
        a commencé à construire une maison en dur
        a trouvé du travail avec une ONG en ville
    """),
    past_times=_t("""
        la semaine dernière
        hier
        il y a deux jours
        pendant les vacances
        le mois passé
    """),
    asides=_t("""
        La route était inondée ce matin, c'est pourquoi je suis en retard.
        Le prix du maïs a encore augmenté.
        Mon téléphone n'a presque plus de batterie.
        Il y avait un mariage au village la semaine dernière.
        Le car venant de la ville était plein.
        On attend les pluies pour commencer les semis.
        Excusez-moi, quelqu'un m'appelle.
        Il fait très chaud aujourd'hui.
        Le jour du marché, c'est le jeudi ici.
        Le match de dimanche était vraiment bon.
    """),
    problems=_t("""
        beaucoup d'enfants abandonnent
        les classes sont surchargées
        certains enseignants ne viennent pas le lundi
        les parents ne peuvent pas payer les cotisations
        les latrines ne fonctionnent pas
        les manuels n'arrivent pas
        les filles se marient très jeunes
        les enfants partent sur les sites d'orpaillage
        l'école n'a pas d'eau
        les salaires des enseignants arrivent en retard
        les élèves ne savent pas lire au CE1
        il n'y a pas d'électricité
        le toit fuit
        l'insécurité éloigne les familles
        beaucoup d'élèves viennent le ventre vide
    """),
    topics=_t("""
        la préparation des leçons
        le suivi des élèves absents
        le rôle des parents dans l'école
        la cantine scolaire
        l'accompagnement des nouveaux enseignants
        l'appui de l'inspection
        l'utilisation de la subvention de l'école
        la lecture dans les premières classes
        la discipline à l'école
        la scolarisation des filles
        le COGES
        l'évaluation des enseignants
        les résultats au CEP
        les enfants en situation de handicap
        les relations avec la communauté
        ce qui rend cette école différente
    """),
    questions=_t("""
        Pouvez-vous nous parler de {t} ?
        Comment décririez-vous {t} ?
        Qu'est-ce qui a changé concernant {t} ces dernières années ?
        Qui est responsable de {t} ?
        Pouvez-vous donner un exemple concernant {t} ?
        Quelles sont les principales difficultés concernant {t} ?
        Que faites-vous à propos de {t} ?
        Comment les parents voient-ils {t} ?
    """),
    probes=_t("""
        Pourquoi ?
        Pouvez-vous en dire plus ?
        Et cela arrive souvent ?
        Qui a décidé cela ?
        Est-ce que ça marche ?
        Et après, que s'est-il passé ?
        C'est pareil pour toutes les classes ?
        Merci. Passons à autre chose.
    """),
    opening=_t("""
        Bonjour et merci d'avoir accepté de nous recevoir.
        Tout ce que vous direz restera confidentiel et votre nom n'apparaîtra nulle part.
        L'entretien est enregistré pour que nous n'oubliions rien.
        Vous pouvez nous arrêter quand vous voulez.
    """),
    closing=_t("""
        Merci beaucoup pour votre temps.
        Y a-t-il autre chose que vous voudriez ajouter ?
        Nous partagerons ce que nous avons appris avec l'école.
    """),
    observed_one=_t("""
        l'enseignant
        une fille du premier rang
        le chef de classe
        un garçon près de la fenêtre
        le directeur
        la maîtresse
    """),
    observed_many=_t("""
        trois élèves
        la plupart des enfants
        deux filles au fond
        les élèves du rang du milieu
        beaucoup d'enfants
    """),
    actions_one=_t("""
        écrit la date au tableau
        demande aux élèves de répéter la phrase
        circule entre les tables-bancs
        lit un texte à haute voix
        vérifie les cahiers
        montre les lettres avec une baguette
        félicite un élève qui a bien répondu
        envoie un enfant chercher de la craie
        arrive en retard et s'assoit sans bruit
        recopie l'exercice du tableau
    """),
    actions_many=_t("""
        partagent un seul manuel
        sont assis par terre près de la porte
        répondent en chœur
        travaillent en petits groupes
        recopient l'exercice du tableau
        lèvent la main pour répondre
        regardent dehors par la fenêtre
        répètent les syllabes après le maître
        jouent dans la cour pendant la récréation
    """),
    places=_t("""
        au début de la leçon
        pendant la leçon de lecture
        dans la classe de CP2
        près du tableau
        pendant que le maître écrit
        après la récréation
        pendant la leçon de calcul
        pendant une dizaine de minutes
    """),
    notes=_t("""
        Il y a {n} élèves présents et {m} tables-bancs.
        La classe n'a pas de porte et les murs sont fissurés.
        Une affiche de l'alphabet est accrochée au mur.
        La leçon commence avec {k} minutes de retard.
        Aucun manuel n'est visible dans la salle.
        Le guide du maître est ouvert sur la table.
    """),
    annotations=("[inaudible]", "[inaudible]", "[rires]", "[brouhaha]", "[pause]"),
    contractions=(
        (" de le ", " du "),
        (" de les ", " des "),
        (" à le ", " au "),
        (" à les ", " aux "),
    ),
    elide=True,
)

PORTUGUESE = Language(
    code="pt",
    interviewer=("Entrevistador", "Entrevistadora", "Moderador", "Moderadora"),
    labels={
        "kii_head": ("Diretor", "Diretora"),
        "kii_teacher": ("Professor", "Professora", "Docente"),
        "fgd_teachers": ("Professor {n}", "Professora {n}"),
        "fgd_parents": ("Mãe {n}", "Pai {n}", "Encarregado de educação {n}"),
        "fgd_committee": ("Conselho escolar {n}", "Presidente APE"),
        "fgd_community": ("Régulo", "Líder comunitário", "Membro da comunidade {n}"),
    },
    slugs={
        "kii_head": "kii-diretor",
        "kii_teacher": "kii-professor",
        "fgd_teachers": "fgd-professores",
        "fgd_parents": "fgd-pais",
        "fgd_committee": "fgd-conselho-escolar",
        "fgd_community": "fgd-comunidade",
        "observation": "obs-sala",
    },
    titles={
        "kii_head": "Entrevista individual com a direção da escola",
        "kii_teacher": "Entrevista individual com um professor",
        "fgd_teachers": "Grupo focal com professores",
        "fgd_parents": "Grupo focal com pais e encarregados de educação",
        "fgd_committee": "Grupo focal com o conselho de escola",
        "fgd_community": "Grupo focal com a comunidade",
        "observation": "Notas de observação de sala de aula",
    },
    subjects_one=_t("""
        a gente
        o diretor
        a diretora
        a nossa escola
        o presidente do conselho de escola
        o professor
        a professora
        a supervisora pedagógica
        o conselho escolar
        a associação de pais
        cada professor
        o régulo
        a minha colega
        o técnico distrital
        a comunidade
    """),
    subjects_many=_t("""
        os professores
        os pais
        alguns professores
        os alunos mais velhos
        as mães
        os membros do conselho escolar
        os novos professores
        muitas famílias
        os chefes de turma
        eles
        os anciãos
        os jovens professores
        os voluntários
    """),
    modals_one=_t("""
        deve
        pode
        vai
        tenta
        começou a
        costumava
        decidiu
        continua a
        procura
        costuma
    """),
    modals_many=_t("""
        devem
        podem
        vão
        tentam
        começaram a
        costumavam
        decidiram
        continuam a
        procuram
        costumam
    """),
    practices=_t("""
        verificar os planos de aula de cada professor
        visitar as salas para ver como as aulas são dadas
        ligar para os pais das crianças que faltam à escola
        organizar aulas de reforço para os alunos atrasados na leitura
        manter um registo dos alunos que chegam atrasados
        partilhar os poucos livros para que cada grupo tenha um
        reunir com os professores para discutir os resultados dos testes
        fazer material didático com tampinhas e papelão
        ir às aldeias procurar as crianças que desistiram
        dar pequenos testes no fim de cada semana
        planificar as aulas em conjunto na zona de influência pedagógica
        conversar com as meninas sobre a importância de ficar na escola
        recolher contribuições para o lanche escolar
        reparar as carteiras e o telhado antes das chuvas
        acompanhar as famílias das crianças ausentes
        usar a língua local nas primeiras classes
        agrupar os alunos por nível para a leitura
        premiar os alunos que melhoram com uma pequena lembrança
        acompanhar os professores recém-colocados durante o primeiro trimestre
        afixar os resultados de cada turma no quadro de avisos
        ler histórias em voz alta para os mais pequenos
        corrigir os cadernos e escrever comentários para os alunos
        manter o pátio limpo e plantar árvores à volta da escola
        dar explicações aos sábados de manhã antes dos exames
        pedir aos alunos mais velhos para ajudarem os mais novos na leitura
        comunicar os problemas ao serviço distrital de educação
        discutir a assiduidade em cada reunião do conselho
        comprar giz e cadernos com o apoio direto às escolas
        receber os pais quando vêm falar com os professores
        conversar com as crianças em vez de usar a vara
        seguir o progresso de cada aluno num pequeno caderno
        garantir que os professores chegam a horas
        passar de casa em casa no início do ano para matricular as crianças
        preparar papas para as crianças com o milho dos pais
        formar os professores para ensinar a consciência fonológica
    """),
    times=_t("""
        todas as segundas-feiras
        todas as manhãs
        no início do ano letivo
        depois da colheita
        durante a época das chuvas
        antes dos exames
        uma vez por mês
        quando o supervisor vem
        desde o ano passado
        durante o intervalo
        depois das aulas
        no primeiro trimestre
        todas as sextas-feiras à tarde
        quando há dinheiro
        no fim de cada semana
        quase todos os dias
        de vez em quando
    """),
    reasons=_t("""
        porque muitas crianças reprovavam
        porque os pais pediram
        porque as turmas são muito grandes
        porque o distrito mandou uma circular
        porque as crianças aprendem melhor assim
        porque não temos livros suficientes
        senão as meninas ficam em casa
        porque os professores são poucos
        porque as crianças vêm de longe
        porque isso cria confiança com a comunidade
        porque a diretora insistiu
        porque os resultados foram maus no ano passado
        porque vimos que funcionava noutra escola
        porque os alunos estavam a perder o interesse
    """),
    hedges=_t("""
        Eu acho que
        Para ser sincero,
        Talvez
        Às vezes
        Bom,
        Que eu saiba,
        Não tenho a certeza, mas
        Olha,
        Na minha opinião,
        Normalmente
        Muitas vezes
        Eu diria que
        Sabe,
        Na verdade,
        Sim,
        Como eu disse,
        Pois,
    """),
    connectives=("e", "mas", "então", "e depois", "e também", "enquanto"),
    short=_t("""
        Sim.
        Não, nem por isso.
        É verdade.
        Depende.
        Concordo com ela.
        Concordo com o que ele disse.
        Exatamente.
        Nem sempre.
        É difícil dizer.
        Obrigado.
        Não sei.
        Sim, é isso.
        Às vezes, sim.
        Antes era melhor.
    """),
    relatives=_t("""
        o meu irmão
        a minha irmã
        o meu vizinho
        o meu tio
        o meu primo
        a minha mulher
        o meu marido
    """),
    relative_news=_t("""
        vendeu duas cabras no mercado
        abriu uma pequena banca perto da estrada
        teve malária
        viajou até à capital
        comprou uma mota nova
        começou a construir uma casa
        arranjou trabalho numa ONG na cidade
    """),
    past_times=_t("""
        na semana passada
        ontem
        há dois dias
        durante as férias
        no mês passado
    """),
    asides=_t("""
        A estrada estava alagada esta manhã, por isso cheguei atrasado.
        O preço do milho voltou a subir.
        O meu telefone está quase sem bateria.
        Houve um casamento na aldeia na semana passada.
        O chapa da cidade vinha cheio.
        Estamos à espera das chuvas para começar a semear.
        Desculpe, alguém está a ligar.
        Está muito calor hoje.
        O dia de mercado aqui é quinta-feira.
        O jogo de domingo foi muito bom.
    """),
    problems=_t("""
        muitas crianças desistem
        as salas estão superlotadas
        alguns professores não vêm às segundas-feiras
        os pais não conseguem pagar as contribuições
        as latrinas não funcionam
        os livros não chegam
        as meninas casam muito cedo
        as crianças vão para as minas
        a escola não tem água
        os salários dos professores atrasam
        os alunos não sabem ler na terceira classe
        não há eletricidade
        o telhado deixa entrar água
        a insegurança afasta as famílias
        muitos alunos vêm com fome
    """),
    topics=_t("""
        a preparação das aulas
        o acompanhamento dos alunos que faltam
        o papel dos pais na escola
        o lanche escolar
        o apoio aos professores novos
        o apoio do distrito
        a utilização do apoio direto às escolas
        a leitura nas primeiras classes
        a disciplina na escola
        a frequência das meninas
        o conselho de escola
        a avaliação dos professores
        os resultados nos exames
        as crianças com deficiência
        a relação com a comunidade
        o que torna esta escola diferente
    """),
    questions=_t("""
        Pode falar-nos sobre {t}?
        Como descreveria {t}?
        O que mudou em relação a {t} nos últimos anos?
        Quem é responsável por {t}?
        Pode dar um exemplo sobre {t}?
        Quais são as principais dificuldades com {t}?
        O que fazem em relação a {t}?
        Como é que os pais veem {t}?
    """),
    probes=_t("""
        Porquê?
        Pode dizer mais sobre isso?
        E isso acontece muitas vezes?
        Quem decidiu isso?
        Isso funciona?
        E depois, o que aconteceu?
        É igual para todas as turmas?
        Obrigado. Vamos passar para outro assunto.
    """),
    opening=_t("""
        Bom dia e obrigado por aceitar falar connosco.
        Tudo o que disser é confidencial e o seu nome não vai aparecer em lado nenhum.
        A conversa é gravada para não nos esquecermos do que nos diz.
        Pode parar quando quiser.
    """),
    closing=_t("""
        Muito obrigado pelo seu tempo.
        Há mais alguma coisa que queira acrescentar?
        Vamos partilhar o que aprendemos com a escola.
    """),
    observed_one=_t("""
        o professor
        a professora
        uma menina da primeira fila
        o chefe de turma
        um menino perto da janela
        a diretora
    """),
    observed_many=_t("""
        três alunos
        duas meninas ao fundo
        os alunos da fila do meio
        muitas crianças
        alguns alunos
    """),
    actions_one=_t("""
        escreve a data no quadro
        pede aos alunos para repetirem a frase
        circula entre as carteiras
        lê um texto em voz alta
        verifica os cadernos
        aponta as letras com uma vara
        elogia um aluno que respondeu bem
        manda uma criança buscar giz
        chega atrasado e senta-se em silêncio
        copia o exercício do quadro
    """),
    actions_many=_t("""
        partilham um único livro
        estão sentados no chão perto da porta
        respondem em coro
        trabalham em pequenos grupos
        copiam o exercício do quadro
        levantam a mão para responder
        olham pela janela
        repetem as sílabas depois do professor
        brincam no pátio durante o intervalo
    """),
    places=_t("""
        no início da aula
        durante a aula de leitura
        na sala da segunda classe
        perto do quadro
        enquanto o professor escreve
        depois do intervalo
        durante a aula de matemática
        durante uns dez minutos
    """),
    notes=_t("""
        Estão presentes {n} alunos e há {m} carteiras.
        A sala não tem porta e as paredes estão rachadas.
        Há um cartaz com o alfabeto na parede.
        A aula começa com {k} minutos de atraso.
        Não se vê nenhum livro na sala.
        O guia do professor está aberto em cima da mesa.
    """),
    annotations=("[inaudível]", "[inaudível]", "[risos]", "[barulho]", "[pausa]"),
    contractions=(
        (" de o ", " do "),
        (" de a ", " da "),
        (" de os ", " dos "),
        (" de as ", " das "),
        (" a o ", " ao "),
        (" a a ", " à "),
        (" a os ", " aos "),
        (" a as ", " às "),
        (" por o ", " pelo "),
        (" por a ", " pela "),
        (" por os ", " pelos "),
        (" por as ", " pelas "),
        (" sobre o que ", " sobre aquilo que "),
    ),
)

LANGUAGES = {language.code: language for language in (ENGLISH, FRENCH, PORTUGUESE)}
_VOWELS = frozenset("aeiouéèêàâîôûAEIOUÉÈÊÀÂÎÔÛ")


# --- sentences ------------------------------------------------------------------------------


class Writer:
    """Builds sentences for one document from one language's phrases and one generator."""

    def __init__(self, language: Language, rng: random.Random) -> None:
        self.lang = language
        self.rng = rng
        self.words = 0  # words of speech written so far (labels and time codes excluded)

    def join(self, left: str, right: str) -> str:
        """`left right`, with French elision (`que on` -> `qu'on`, `de organiser`...)."""
        if self.lang.elide and right[:1] in _VOWELS and left.endswith((" de", " que", "que")):
            return f"{left[:-1]}'{right}"
        return f"{left} {right}"

    def clause(self) -> str:
        lang, choice = self.lang, self.rng.choice
        if self.rng.random() < 0.5:
            return self.join(
                self.join(choice(lang.subjects_one), choice(lang.modals_one)),
                choice(lang.practices),
            )
        return self.join(
            self.join(choice(lang.subjects_many), choice(lang.modals_many)), choice(lang.practices)
        )

    def finish(self, body: str, mark: str = ".") -> str:
        rng = self.rng
        if rng.random() < 0.025:  # a transcriber's note somewhere in the sentence
            words = body.split(" ")
            words.insert(rng.randrange(1, len(words) + 1), rng.choice(self.lang.annotations))
            body = " ".join(words)
        elif rng.random() < 0.01:
            mark = "..." if mark == "." else mark
        sentence = body[0].upper() + body[1:] + mark
        self.words += sentence.count(" ") + 1
        return sentence

    def answer(self) -> str:
        """Practice-like talk: who does what, when, and why; often hedged."""
        rng, lang, choice = self.rng, self.lang, self.rng.choice
        body = self.clause()
        if rng.random() < 0.45:
            body = self.join(choice(lang.hedges), body)
        if rng.random() < 0.65:
            body = f"{body} {choice(lang.times)}"
        roll = rng.random()
        if roll < 0.35:
            body = f"{body}, {choice(lang.reasons)}"
        elif roll < 0.8:
            body = self.join(f"{body}, {choice(lang.connectives)}", self.clause())
        return self.finish(body)

    def problem(self) -> str:
        rng, lang, choice = self.rng, self.lang, self.rng.choice
        body = choice(lang.problems)
        if rng.random() < 0.4:
            body = self.join(choice(lang.hedges), body)
        if rng.random() < 0.5:
            body = f"{body} {choice(lang.times)}"
        if rng.random() < 0.5:
            body = f"{body}, {choice(lang.reasons)}"
        else:
            body = self.join(f"{body}, {choice(lang.connectives)}", self.clause())
        return self.finish(body)

    def aside(self) -> str:
        rng, lang, choice = self.rng, self.lang, self.rng.choice
        if rng.random() < 0.4:
            sentence = choice(lang.asides)
            self.words += sentence.count(" ") + 1
            return sentence
        body = f"{choice(lang.relatives)} {choice(lang.relative_news)} {choice(lang.past_times)}"
        return self.finish(body)

    def count(self, sentence: str) -> str:
        self.words += sentence.count(" ") + 1
        return sentence

    def short(self) -> str:
        sentence = self.rng.choice(self.lang.short)
        self.words += sentence.count(" ") + 1
        return sentence

    def question(self) -> str:
        rng, lang = self.rng, self.lang
        if rng.random() < 0.25:
            sentence = rng.choice(lang.probes)
        else:
            sentence = rng.choice(lang.questions).format(t=rng.choice(lang.topics))
            for old, new in lang.contractions:
                sentence = sentence.replace(old, new)
        self.words += sentence.count(" ") + 1
        return sentence

    def remark(self) -> str:
        """One sentence of a respondent's turn."""
        roll = self.rng.random()
        if roll < 0.64:
            return self.answer()
        if roll < 0.85:
            return self.problem()
        if roll < 0.93:
            return self.aside()
        return self.short()

    def observation(self) -> str:
        rng, lang, choice = self.rng, self.lang, self.rng.choice
        roll = rng.random()
        if roll < 0.15:
            sentence = choice(lang.notes).format(
                n=rng.randint(25, 110), m=rng.randint(8, 40), k=rng.randint(5, 40)
            )
            self.words += sentence.count(" ") + 1
            return sentence
        if roll < 0.3:
            return self.answer()
        if rng.random() < 0.5:
            body = f"{choice(lang.observed_one)} {choice(lang.actions_one)}"
        else:
            body = f"{choice(lang.observed_many)} {choice(lang.actions_many)}"
        body = f"{body} {choice(lang.places)}"
        if rng.random() < 0.5:
            others = f"{choice(lang.observed_many)} {choice(lang.actions_many)}"
            body = self.join(f"{body}, {choice(lang.connectives)}", others)
        return self.finish(body)


# --- documents ------------------------------------------------------------------------------


def _clock(seconds: float, short: bool = False) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if short:  # [hh:mm], a time of day
        return f"[{hours:02d}:{minutes:02d}]"
    return f"[{hours:02d}:{minutes:02d}:{secs:02d}]"


def _separator(language: Language) -> str:
    return " : " if language.code == "fr" else ": "  # French puts a space before the colon


def write_conversation(writer: Writer, kind: str, target: int, school: str) -> str:
    """An interview or focus group: a title line, then labelled turns, blank-line separated."""
    lang, rng = writer.lang, writer.rng
    sep = _separator(lang)
    interviewer = rng.choice(lang.interviewer)
    group = kind.startswith("fgd")
    templates = lang.labels[kind]
    if group:
        people = [rng.choice(templates).format(n=n) for n in range(1, rng.randint(4, 9))]
        people = list(dict.fromkeys(people))  # `Elder` twice is one speaker
    else:
        people = [rng.choice(templates).format(n=1)]
    stamped = rng.random() < 0.35  # a third of the transcripts carry a time code per turn
    clock = rng.uniform(2, 20)
    lines = [f"{lang.titles[kind]} – {school}", ""]

    def turn(label: str, sentences: list[str]) -> None:
        nonlocal clock
        text = " ".join(sentences)
        if rng.random() < 0.015:  # a time code in the middle of a turn
            cut = text.find(". ")
            if cut > 0:
                text = f"{text[: cut + 1]} {_clock(clock + 30)} {text[cut + 2 :]}"
        prefix = f"{_clock(clock)} " if stamped else ""
        if len(sentences) > 7 and rng.random() < 0.3:  # a long answer in two paragraphs
            half = text.find(". ", len(text) // 2)
            if half > 0:
                text = f"{text[: half + 1]}\n\n{text[half + 2 :]}"
        lines.append(f"{prefix}{label}{sep}{text}")
        lines.append("")
        clock += len(text) / 14 + rng.uniform(1, 6)  # ~14 characters a second

    asked = [writer.count(s) for s in lang.opening[: rng.randint(2, 4)]]
    while True:
        asked += [writer.question() for _ in range(1 if rng.random() < 0.8 else 2)]
        turn(interviewer, asked)
        if group:
            speakers = rng.sample(people, rng.randint(1, min(4, len(people))))
            for number, speaker in enumerate(speakers):
                if number and writer.words >= target:
                    break
                turn(speaker, [writer.remark() for _ in range(rng.choice((1, 2, 3, 4, 6, 9)))])
        else:
            turn(people[0], [writer.remark() for _ in range(rng.choice((2, 4, 6, 8, 10, 14)))])
            if rng.random() < 0.3:
                turn(interviewer, [writer.question()])
                turn(people[0], [writer.remark() for _ in range(rng.randint(1, 5))])
        if rng.random() < 0.04:
            turn(rng.choice(people), [writer.aside(), writer.aside()])
        if writer.words >= target:
            break
        asked = []
    turn(interviewer, [writer.count(s) for s in lang.closing[: rng.randint(1, 3)]])
    return "\n".join(lines)


def write_observation(writer: Writer, target: int, school: str) -> str:
    """Observation notes: no speaker labels, one paragraph per moment, some time-stamped."""
    lang, rng = writer.lang, writer.rng
    stamped = rng.random() < 0.5
    clock = rng.uniform(7.5, 9) * 3600
    lines = [f"{lang.titles['observation']} – {school}", ""]
    while writer.words < target:
        sentences = [writer.observation() for _ in range(rng.randint(3, 9))]
        prefix = _clock(clock, short=True) + " " if stamped else ""
        lines.append(prefix + " ".join(sentences))
        lines.append("")
        clock += rng.uniform(120, 900)
    return "\n".join(lines)


# --- the corpus -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One document to write: its metadata row and its generator seed."""

    file: str
    country: str
    territory: str
    school_id: str
    school_group: str
    respondent_role: str
    method: str
    language: str
    date: str
    kind: str
    words: int
    seed: int


def _allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights`."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_corpus(documents: int, seed: int = 0) -> list[Planned]:
    """The metadata of `documents` documents (schools of six, the last one maybe partial)."""
    if documents < 1:
        raise ValueError("documents must be at least 1")
    rng = random.Random(seed)
    schools = math.ceil(documents / DOCUMENTS_PER_SCHOOL)
    mu = math.log(MEAN_WORDS) - WORDS_SIGMA**2 / 2  # so that the mean is MEAN_WORDS
    plan: list[Planned] = []
    season = dt.date(2024, 10, 1)
    for (country, language, _), count in zip(
        COUNTRIES, _allocate(schools, [c[2] for c in COUNTRIES]), strict=True
    ):
        lang = LANGUAGES[language]
        for number in range(1, count + 1):
            school = f"{country}-S{number:03d}"
            group = "pd" if number % 2 else "comparison"
            territory = "Zanzibar" if country == "TZ" and rng.random() < ZANZIBAR_SHARE else ""
            visit = season + dt.timedelta(days=rng.randrange(0, 200))
            community = "fgd_committee" if rng.random() < 0.5 else "fgd_community"
            for kind, method, role, scale in SCHOOL_DOCUMENTS:
                if kind == "fgd_community":
                    kind = community
                    role = "school_committee_member" if kind == "fgd_committee" else role
                words = int(rng.lognormvariate(mu, WORDS_SIGMA) * scale)
                plan.append(
                    Planned(
                        file=f"{country}/{school.lower()}-{lang.slugs[kind]}.txt",
                        country=country,
                        territory=territory,
                        school_id=school,
                        school_group=group,
                        respondent_role=role,
                        method=method,
                        language=language,
                        date=(visit + dt.timedelta(days=rng.randrange(0, 3))).isoformat(),
                        kind=kind,
                        words=min(MAX_WORDS, max(MIN_WORDS, words)),
                        seed=rng.getrandbits(64),
                    )
                )
    # Interleave countries school by school, so that any prefix covers every country.
    by_country: dict[str, list[list[Planned]]] = {}
    for item in plan[::DOCUMENTS_PER_SCHOOL]:
        by_country.setdefault(item.country, [])
    for start in range(0, len(plan), DOCUMENTS_PER_SCHOOL):
        block = plan[start : start + DOCUMENTS_PER_SCHOOL]
        by_country[block[0].country].append(block)
    ordered: list[Planned] = []
    queues = list(by_country.values())
    while any(queues):
        for queue in queues:
            if queue:
                ordered += queue.pop(0)
    return ordered[:documents]


def write_document(item: Planned) -> tuple[str, int]:
    """(text, words of speech) of one planned document."""
    writer = Writer(LANGUAGES[item.language], random.Random(item.seed))
    target = max(MIN_WORDS, item.words - OVERSHOOT)
    if item.kind == "observation":
        text = write_observation(writer, target, item.school_id)
    else:
        text = write_conversation(writer, item.kind, target, item.school_id)
    return text + "\n", writer.words


@dataclass(frozen=True)
class CorpusStats:
    folder: Path
    metadata: Path
    documents: int
    words: int
    megabytes: float
    seconds: float


def write_corpus(folder: Path, documents: int = 6600, seed: int = 0) -> CorpusStats:
    started = time.perf_counter()
    plan = plan_corpus(documents, seed)
    folder.mkdir(parents=True, exist_ok=True)
    words = size = 0
    made: set[Path] = set()
    for item in plan:
        path = folder / item.file
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        text, count = write_document(item)
        data = text.encode("utf-8")
        path.write_bytes(data)
        words += count
        size += len(data)
    metadata = folder / "metadata.csv"
    with metadata.open("w", encoding="utf-8", newline="") as handle:
        sheet = csv.writer(handle)
        sheet.writerow(METADATA_COLUMNS)
        for item in plan:
            sheet.writerow([getattr(item, column) for column in METADATA_COLUMNS])
    return CorpusStats(
        folder, metadata, len(plan), words, size / 2**20, time.perf_counter() - started
    )


def generate_corpus(folder: Path, documents: int = 6600, seed: int = 0) -> Path:
    """Write `documents` transcripts and `metadata.csv` under `folder`; return the sheet."""
    return write_corpus(folder, documents, seed).metadata


# --- projects -------------------------------------------------------------------------------


def import_corpus(path: Path, folder: Path, metadata: Path) -> dict[str, Any]:
    """Create a project at `path` and import `folder` into it; the figures, timed."""
    from brightspots.project import ImportOptions, Project

    started = time.perf_counter()
    with Project.create(path) as project:
        report = project.import_files([folder], ImportOptions(metadata=metadata))
    seconds = time.perf_counter() - started
    return {
        "documents": len(report.added),
        "segments": report.segments,
        "words": report.words,
        "seconds": round(seconds, 3),
        "duplicates": len(report.duplicates),
        "speakers_without_role": sum(report.speakers_without_role.values()),
    }


def build_project(
    path: Path, documents: int, seed: int = 0, workdir: Path | None = None
) -> dict[str, Any]:
    """A new project at `path` holding a generated corpus of `documents` documents.

    The corpus is written under `workdir` (kept) or a temporary folder (removed). Returns
    documents, segments, words and seconds (of `Project.create` + `import_files`), plus
    generate_seconds."""
    with tempfile.TemporaryDirectory(prefix="brightspots-corpus-") as temporary:
        folder = (workdir or Path(temporary)) / "corpus"
        stats = write_corpus(folder, documents, seed)
        figures = import_corpus(path, folder, stats.metadata)
    figures["generate_seconds"] = round(stats.seconds, 3)
    return figures


def main(argv: Sequence[str] | None = None, out: Callable[[str], Any] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the transcripts")
    parser.add_argument("--documents", type=int, default=6600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--project", type=Path, help="also import them into this new project")
    args = parser.parse_args(argv)
    stats = write_corpus(args.folder, args.documents, args.seed)
    figures: dict[str, Any] = {
        "benchmark": "generate",
        "documents": stats.documents,
        "words": stats.words,
        "megabytes": round(stats.megabytes, 1),
        "seconds": round(stats.seconds, 3),
        "metadata": str(stats.metadata),
    }
    if args.project is not None:
        figures["project"] = import_corpus(args.project, args.folder, stats.metadata)
    out(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
