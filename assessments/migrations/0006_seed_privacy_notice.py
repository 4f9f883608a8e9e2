"""The first privacy notice, so a new deployment never asks for consent to nothing.

Administrators publish their own versions in the admin; this text stays as
version 1, which the consents given under it point to.
"""

from django.db import migrations

TEXT_EN = """\
Who holds your data
The organisation that invited you to this questionnaire is responsible for your data. It uses Criba, a hiring assessment tool, to store and score your answers. To exercise any of the rights below, reply to the invitation email or contact the recruiter who invited you.

What we keep
Your name, email address and, if you gave it, your phone number; the jobs you applied for; your answers to the questionnaire, the time spent on each page and the scores computed from them; the notes and ratings of any structured interview; the decisions taken on your application and who took them.

Voluntary questions about you
After the questionnaire you may answer a few optional questions about yourself (such as your gender and age band), or skip them. We use the answers only to check that our selection treats every group fairly, counted in groups of at least five people. They are kept apart from your application, are never seen by anyone who decides on it and never enter any score. They are part of the copy of your data you can ask for.

Why
To assess your application for the job, on the basis of your consent and of the steps taken at your request before a possible contract. Nothing else: your data is not sold, not used for advertising and not shared with other employers.

A person decides
The scores are one piece of information for the hiring team. Criba recommends; a person decides. No decision about you is taken by a computer alone, and you may ask for a person to review any decision, explain it and hear your point of view.

How long
Your personal data is kept for a limited time after your last activity in the hiring process (the period is set by the organisation and shown to its recruiters for every candidate), then it is erased automatically. It is never erased while one of your applications is still open, so that your application is not lost.

What stays after erasure
When your personal data is erased, your name, email address, phone number and any reference to you are removed or overwritten for good; no copy is kept. Your answers and scores stay, without anything that identifies you, to compute norms and statistics that make the questionnaire fairer for later candidates. Your answers to the voluntary questions about you are deleted. You may ask for your answers and scores to be erased as well.

Your rights
You may ask for a copy of all the data held about you, in a machine-readable file; for wrong data to be corrected; for your data to be erased; and you may withdraw your consent at any time, which does not affect what was done before. You may also complain to your data protection authority.
"""

TEXT_ES = """\
Quién es responsable de sus datos
La organización que le invitó a este cuestionario es responsable de sus datos. Utiliza Criba, una herramienta de evaluación para la selección de personal, para guardar y puntuar sus respuestas. Para ejercer cualquiera de los derechos que se indican abajo, responda al correo de invitación o diríjase a la persona de selección que le invitó.

Qué guardamos
Su nombre, su dirección de correo electrónico y, si nos lo dio, su teléfono; los puestos a los que se presentó; sus respuestas al cuestionario, el tiempo dedicado a cada página y las puntuaciones calculadas a partir de ellas; las notas y valoraciones de cualquier entrevista estructurada; las decisiones tomadas sobre su candidatura y quién las tomó.

Preguntas voluntarias sobre usted
Después del cuestionario puede responder a unas preguntas opcionales sobre usted (como su género y su franja de edad), o saltarlas. Usamos las respuestas solo para comprobar que nuestra selección trata con equidad a todos los grupos, contadas en grupos de al menos cinco personas. Se guardan aparte de su candidatura, nunca las ve nadie que decida sobre ella y nunca entran en ninguna puntuación. Forman parte de la copia de sus datos que puede pedir.

Para qué
Para evaluar su candidatura al puesto, sobre la base de su consentimiento y de las medidas tomadas a petición suya antes de un posible contrato. Para nada más: sus datos no se venden, no se usan con fines publicitarios y no se comparten con otras empresas.

Decide una persona
Las puntuaciones son una información más para el equipo de selección. Criba recomienda; una persona decide. Ninguna decisión sobre usted la toma únicamente un ordenador, y puede pedir que una persona revise cualquier decisión, se la explique y escuche su punto de vista.

Cuánto tiempo
Sus datos personales se conservan durante un tiempo limitado después de su última actividad en el proceso de selección (la organización fija ese plazo y sus responsables de selección lo ven para cada candidatura); después se borran automáticamente. Nunca se borran mientras una de sus candidaturas siga abierta, para que su candidatura no se pierda.

Qué queda después del borrado
Cuando se borran sus datos personales, su nombre, su correo electrónico, su teléfono y cualquier referencia a usted se eliminan o se sobrescriben de forma definitiva; no se guarda ninguna copia. Sus respuestas y puntuaciones se conservan, sin nada que le identifique, para calcular baremos y estadísticas que hacen el cuestionario más justo para quienes se presenten después. Sus respuestas a las preguntas voluntarias sobre usted se eliminan. También puede pedir que se borren sus respuestas y puntuaciones.

Sus derechos
Puede pedir una copia de todos los datos que se guardan sobre usted, en un archivo legible por máquina; que se corrijan los datos erróneos; que se borren sus datos; y puede retirar su consentimiento en cualquier momento, sin que ello afecte a lo hecho antes. También puede presentar una reclamación ante su autoridad de protección de datos.
"""


def _seed(apps, schema_editor):
    PrivacyNotice = apps.get_model("assessments", "PrivacyNotice")
    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(version=1, text_en=TEXT_EN, text_es=TEXT_ES)


def _unseed(apps, schema_editor):
    PrivacyNotice = apps.get_model("assessments", "PrivacyNotice")
    PrivacyNotice.objects.filter(version=1, published_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_privacy_notice_and_consent_version")]

    operations = [migrations.RunPython(_seed, _unseed)]
